/**
 * Copyright 2023 Google LLC
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

# Base images supplied pre-built

locals {
  server_image      = "us-docker.pkg.dev/${var.server_image_host}/server:${var.image_version}"
  client_image      = "us-docker.pkg.dev/${var.client_image_host}/client:${var.image_version}"
  placeholder_image = "us-docker.pkg.dev/hsa-public/containers/avocano-placeholder:latest"
}
