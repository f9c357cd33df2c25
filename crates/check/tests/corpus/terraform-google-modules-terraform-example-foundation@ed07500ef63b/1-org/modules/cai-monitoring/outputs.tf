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

output "artifact_registry_name" {
  description = "Artifact Registry Repo to store the Cloud Function image."
  value       = google_artifact_registry_repository.cloudfunction.name
}

output "bucket_name" {
  description = "Storage bucket where the source code is."
  value       = module.cloudfunction_source_bucket.name
}

output "asset_feed_name" {
  description = "Organization Asset Feed."
  value       = google_cloud_asset_organization_feed.organization_feed.id
}

output "topic_name" {
  description = "Pub/Sub Topic for the Asset Feed."
  value       = module.pubsub_cai_feed.topic
}

output "scc_source" {
  description = "SCC Findings Source."
  value       = google_scc_v2_organization_source.cai_monitoring.id
}

output "function_uri" {
  description = "URI of the Cloud Function."
  value       = module.cloud_function.function_uri
}
