/**
 * Copyright 2022 Google LLC
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/******************************************
  Default DNS Policy
 *****************************************/

resource "google_dns_policy" "default_policy" {
  project                   = var.project_id
  name                      = "dp-${var.environment_code}-svpc-default-policy"
  enable_inbound_forwarding = var.dns_enable_inbound_forwarding
  enable_logging            = var.dns_enable_logging
  networks {
    network_url = module.main.network_self_link
  }
}

/******************************************
 Creates DNS Peering to DNS HUB
*****************************************/

module "peering_zone" {
  source  = "terraform-google-modules/cloud-dns/google"
  version = "~> 7.1"

  count = var.mode == "spoke" ? 1 : 0

  project_id  = var.project_id
  type        = "peering"
  name        = "dz-${var.environment_code}-svpc-to-dns-hub"
  domain      = var.domain
  description = "Private DNS peering zone."

  private_visibility_config_networks = [
    module.main.network_self_link
  ]
  target_network = data.google_compute_network.vpc_net_hub[0].self_link
}

/******************************************
 DNS Forwarding
*****************************************/
module "dns_forwarding_zone" {
  source  = "terraform-google-modules/cloud-dns/google"
  version = "~> 7.1"

  count = var.mode != "spoke" ? 1 : 0

  project_id = var.project_id
  type       = "forwarding"
  name       = "fz-dns-hub"
  domain     = var.domain

  private_visibility_config_networks = [
    module.main.network_self_link
  ]
  target_name_server_addresses = var.target_name_server_addresses
}
