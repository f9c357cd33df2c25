//! Destinations: `file://`, `s3://` (both through `object_store`) and `gs://` (through the GCS
//! JSON API's resumable upload, which real GCS and the emulator both serve).
//!
//! Keys are relative to the destination's prefix. Writes of unknown length stream in chunks
//! and become visible only when finished: an S3 multipart upload that is never completed, a
//! GCS resumable session that is never finalised, or a local staging file that is never
//! renamed leaves nothing under the final key.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use gcloud_storage::http::objects::Object as GcsObject;
use gcloud_storage::http::objects::delete::DeleteObjectRequest;
use gcloud_storage::http::objects::download::Range;
use gcloud_storage::http::objects::get::GetObjectRequest;
use gcloud_storage::http::objects::list::ListObjectsRequest;
use gcloud_storage::http::objects::upload::{UploadObjectRequest, UploadType};
use gcloud_storage::http::resumable_upload_client::{
    ChunkSize, ResumableUploadClient, UploadStatus,
};
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use serde::{Deserialize, Serialize};

use crate::BackupError;

/// Size of one upload part: S3 needs at least 5 MiB, GCS a multiple of 256 KiB.
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts in flight at once for S3 (memory bound: (1 + this) × PART_SIZE).
const MAX_PARTS_IN_FLIGHT: usize = 2;

/// S3 connection settings (`[backup.s3]`); unset fields fall back to the usual `AWS_*`
/// environment variables. `Debug` shows no secret key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    /// Endpoint for S3-compatible stores (R2, MinIO, moto): `https://…`.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    #[serde(serialize_with = "ripcord_notifier::serialize_secret")]
    pub secret_access_key: Option<secrecy::SecretString>,
    /// Allow a plain-HTTP endpoint (emulators only).
    pub allow_http: bool,
}

/// GCS connection settings (`[backup.gcs]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GcsConfig {
    /// JSON API endpoint; default `https://storage.googleapis.com`. An emulator's URL here
    /// (or in `STORAGE_EMULATOR_HOST`) also turns authentication off.
    pub endpoint: Option<String>,
    /// Send no credentials (public buckets, emulators).
    pub anonymous: bool,
    /// Days that deleted objects stay billed (the bucket's soft-delete window; GCS default 7).
    pub soft_delete_days: Option<u32>,
}

/// A parsed destination URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    File { path: std::path::PathBuf },
    S3 { bucket: String, prefix: String },
    Gcs { bucket: String, prefix: String },
}

impl Destination {
    pub fn parse(url: &str) -> Result<Self, BackupError> {
        let bad = |why: &str| BackupError::Destination {
            url: url.to_owned(),
            reason: why.to_owned(),
        };
        let (scheme, rest) = url.split_once("://").ok_or_else(|| {
            bad("expected file:///path, s3://bucket/prefix or gs://bucket/prefix")
        })?;
        let split_bucket = |rest: &str| -> Result<(String, String), BackupError> {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(bad("the bucket name is empty"));
            }
            Ok((bucket.to_owned(), prefix.trim_matches('/').to_owned()))
        };
        match scheme {
            "file" => {
                if !rest.starts_with('/') {
                    return Err(bad(
                        "file:// needs an absolute path, e.g. file:///var/backups/db",
                    ));
                }
                Ok(Self::File { path: rest.into() })
            }
            "s3" => split_bucket(rest).map(|(bucket, prefix)| Self::S3 { bucket, prefix }),
            "gs" => split_bucket(rest).map(|(bucket, prefix)| Self::Gcs { bucket, prefix }),
            other => Err(bad(&format!(
                "unknown scheme `{other}`: expected file, s3 or gs"
            ))),
        }
    }
}

/// One object under the destination prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Key relative to the prefix, `/`-separated.
    pub key: String,
    pub size: u64,
}

/// An opened destination.
#[derive(Clone)]
pub struct Store {
    url: String,
    inner: Inner,
    soft_delete_days: u32,
}

#[derive(Clone)]
enum Inner {
    Object {
        store: Arc<dyn ObjectStore>,
        prefix: String,
    },
    Gcs {
        client: Box<gcloud_storage::client::Client>,
        bucket: String,
        prefix: String,
    },
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("url", &self.url).finish()
    }
}

impl Store {
    pub async fn open(url: &str, s3: &S3Config, gcs: &GcsConfig) -> Result<Self, BackupError> {
        let io = |reason: String| BackupError::Destination {
            url: url.to_owned(),
            reason,
        };
        let (inner, soft_delete_days) = match Destination::parse(url)? {
            Destination::File { path } => {
                std::fs::create_dir_all(&path)
                    .map_err(|e| io(format!("cannot create {}: {e}", path.display())))?;
                // fsync, so a manifest can never survive a crash that the dump did not.
                let store = object_store::local::LocalFileSystem::new_with_prefix(&path)
                    .map_err(|e| io(e.to_string()))?
                    .with_fsync(true);
                let inner = Inner::Object {
                    store: Arc::new(store),
                    prefix: String::new(),
                };
                (inner, 0)
            }
            Destination::S3 { bucket, prefix } => {
                let mut builder =
                    object_store::aws::AmazonS3Builder::from_env().with_bucket_name(&bucket);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let Some(region) = &s3.region {
                    builder = builder.with_region(region);
                }
                if let Some(key) = &s3.access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = &s3.secret_access_key {
                    use secrecy::ExposeSecret;
                    builder = builder.with_secret_access_key(secret.expose_secret());
                }
                if s3.allow_http {
                    builder = builder.with_allow_http(true);
                }
                let store = builder.build().map_err(|e| io(e.to_string()))?;
                let inner = Inner::Object {
                    store: Arc::new(store),
                    prefix,
                };
                (inner, 0)
            }
            Destination::Gcs { bucket, prefix } => {
                let emulator = std::env::var("STORAGE_EMULATOR_HOST").ok();
                let endpoint = gcs.endpoint.clone().or(emulator.clone());
                let mut config = gcloud_storage::client::ClientConfig::default();
                if let Some(endpoint) = &endpoint {
                    config.storage_endpoint = endpoint.trim_end_matches('/').to_owned();
                }
                let config = if gcs.anonymous || endpoint.is_some() {
                    config.anonymous()
                } else {
                    config.with_auth().await.map_err(|e| {
                        io(format!(
                            "no Google credentials ({e}); set GOOGLE_APPLICATION_CREDENTIALS \
                             or run on GCP with a service account"
                        ))
                    })?
                };
                let inner = Inner::Gcs {
                    client: Box::new(gcloud_storage::client::Client::new(config)),
                    bucket,
                    prefix,
                };
                (inner, gcs.soft_delete_days.unwrap_or(7))
            }
        };
        Ok(Self {
            url: url.to_owned(),
            inner,
            soft_delete_days,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Days deleted bytes stay billed (GCS soft delete); 0 elsewhere.
    pub fn soft_delete_days(&self) -> u32 {
        self.soft_delete_days
    }

    fn err(&self, key: &str, what: &str, e: impl std::fmt::Display) -> BackupError {
        BackupError::Store {
            url: self.url.clone(),
            key: key.to_owned(),
            reason: format!("{what}: {e}"),
        }
    }

    fn full_key(prefix: &str, key: &str) -> String {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}/{key}")
        }
    }

    /// Writes a small object in one request.
    pub async fn put(&self, key: &str, data: Bytes) -> Result<(), BackupError> {
        match &self.inner {
            Inner::Object { store, prefix } => store
                .put(
                    &StorePath::from(Self::full_key(prefix, key)),
                    PutPayload::from(data),
                )
                .await
                .map(drop)
                .map_err(|e| self.err(key, "write", e)),
            Inner::Gcs {
                client,
                bucket,
                prefix,
            } => {
                let (request, upload) = gcs_target(bucket, prefix, key, "application/json");
                client
                    .upload_object(&request, data, &upload)
                    .await
                    .map(drop)
                    .map_err(|e| self.err(key, "write", e))
            }
        }
    }

    /// Starts a streaming write; nothing is visible under `key` until [`Upload::finish`].
    pub async fn upload(&self, key: &str) -> Result<Upload, BackupError> {
        let kind = match &self.inner {
            Inner::Object { store, prefix } => {
                let upload = store
                    .put_multipart(&StorePath::from(Self::full_key(prefix, key)))
                    .await
                    .map_err(|e| self.err(key, "start upload", e))?;
                UploadKind::Object(WriteMultipart::new_with_chunk_size(upload, PART_SIZE))
            }
            Inner::Gcs {
                client,
                bucket,
                prefix,
            } => {
                let (request, upload) = gcs_target(bucket, prefix, key, "application/octet-stream");
                let session = client
                    .prepare_resumable_upload(&request, &upload)
                    .await
                    .map_err(|e| self.err(key, "start resumable upload", e))?;
                UploadKind::Gcs {
                    session,
                    buffer: BytesMut::with_capacity(PART_SIZE),
                    offset: 0,
                }
            }
        };
        Ok(Upload {
            url: self.url.clone(),
            key: key.to_owned(),
            kind,
        })
    }

    /// Reads an object as a stream of chunks.
    pub async fn get(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, BackupError>>, BackupError> {
        let url = self.url.clone();
        let owned_key = key.to_owned();
        let map_err = move |e: String| BackupError::Store {
            url: url.clone(),
            key: owned_key.clone(),
            reason: format!("read: {e}"),
        };
        match &self.inner {
            Inner::Object { store, prefix } => {
                let result = store
                    .get(&StorePath::from(Self::full_key(prefix, key)))
                    .await
                    .map_err(|e| self.err(key, "read", e))?;
                Ok(result
                    .into_stream()
                    .map_err(move |e| map_err(e.to_string()))
                    .boxed())
            }
            Inner::Gcs {
                client,
                bucket,
                prefix,
            } => {
                let request = GetObjectRequest {
                    bucket: bucket.clone(),
                    object: Self::full_key(prefix, key),
                    ..Default::default()
                };
                let stream = client
                    .download_streamed_object(&request, &Range::default())
                    .await
                    .map_err(|e| self.err(key, "read", e))?;
                Ok(stream.map_err(move |e| map_err(e.to_string())).boxed())
            }
        }
    }

    /// Reads a small object whole.
    pub async fn get_bytes(&self, key: &str) -> Result<Vec<u8>, BackupError> {
        let mut stream = self.get(key).await?;
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out)
    }

    /// Every object under the prefix (recursive), in key order.
    pub async fn list(&self) -> Result<Vec<Entry>, BackupError> {
        let mut entries = Vec::new();
        match &self.inner {
            Inner::Object { store, prefix } => {
                let base = (!prefix.is_empty()).then(|| StorePath::from(prefix.as_str()));
                let mut stream = store.list(base.as_ref());
                while let Some(meta) = stream.next().await {
                    let meta = meta.map_err(|e| self.err("", "list", e))?;
                    let full = meta.location.to_string();
                    let key = strip(prefix, &full);
                    entries.push(Entry {
                        key,
                        size: meta.size,
                    });
                }
            }
            Inner::Gcs {
                client,
                bucket,
                prefix,
            } => {
                let mut page_token = None;
                loop {
                    let request = ListObjectsRequest {
                        bucket: bucket.clone(),
                        prefix: (!prefix.is_empty()).then(|| format!("{prefix}/")),
                        page_token: page_token.take(),
                        ..Default::default()
                    };
                    let page = client
                        .list_objects(&request)
                        .await
                        .map_err(|e| self.err("", "list", e))?;
                    for object in page.items.unwrap_or_default() {
                        entries.push(Entry {
                            key: strip(prefix, &object.name),
                            size: u64::try_from(object.size).unwrap_or(0),
                        });
                    }
                    match page.next_page_token {
                        Some(token) if !token.is_empty() => page_token = Some(token),
                        _ => break,
                    }
                }
            }
        }
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(entries)
    }

    pub async fn delete(&self, key: &str) -> Result<(), BackupError> {
        match &self.inner {
            Inner::Object { store, prefix } => store
                .delete(&StorePath::from(Self::full_key(prefix, key)))
                .await
                .map_err(|e| self.err(key, "delete", e)),
            Inner::Gcs {
                client,
                bucket,
                prefix,
            } => {
                let request = DeleteObjectRequest {
                    bucket: bucket.clone(),
                    object: Self::full_key(prefix, key),
                    ..Default::default()
                };
                client
                    .delete_object(&request)
                    .await
                    .map_err(|e| self.err(key, "delete", e))
            }
        }
    }
}

/// Attempts per GCS chunk before the upload fails.
const GCS_ATTEMPTS: u32 = 4;

/// Sends bytes `first..first + chunk.len()` of a resumable upload (and, when `last`, the total
/// size). On a transport error it asks the session how much it holds and resends the rest,
/// with exponential backoff: a flaky link does not fail a long backup.
async fn send_chunk_with_retries(
    session: &ResumableUploadClient,
    chunk: Bytes,
    first: u64,
    last: bool,
) -> Result<(), String> {
    let end = first + chunk.len() as u64;
    let total = last.then_some(end);
    let mut from = first;
    let mut attempt = 0;
    loop {
        let part = chunk.slice((from - first) as usize..);
        if part.is_empty() && !last {
            // GCS already holds the whole chunk (its answer to an earlier try was lost).
            return Ok(());
        }
        let size = if part.is_empty() {
            // Finalise with an empty request: "bytes */TOTAL".
            ChunkSize::new(from, from, total)
        } else {
            ChunkSize::new(from, end - 1, total)
        };
        let error = match session.upload_multiple_chunk(part, &size).await {
            Ok(UploadStatus::Ok(_)) if last => return Ok(()),
            Ok(UploadStatus::ResumeIncomplete(_)) if !last => return Ok(()),
            Ok(other) => return Err(format!("unexpected status {other:?}")),
            Err(e) => e.to_string(),
        };
        attempt += 1;
        if attempt >= GCS_ATTEMPTS {
            return Err(format!("{error} (after {attempt} attempts)"));
        }
        tracing::warn!(%error, attempt, "GCS chunk failed; retrying");
        tokio::time::sleep(std::time::Duration::from_secs(1 << attempt)).await;
        match session.status(total).await {
            Ok(UploadStatus::Ok(_)) if last => return Ok(()),
            Ok(UploadStatus::ResumeIncomplete(range)) => {
                let held = range.last_byte + 1;
                if held < first {
                    return Err(format!(
                        "{error}; the session lost bytes {held}..{first}, which are no longer buffered"
                    ));
                }
                from = held.min(end);
            }
            Ok(UploadStatus::NotStarted) if first == 0 => from = 0,
            // Unknown: resend the whole chunk.
            _ => from = first,
        }
    }
}

/// The request and metadata of a GCS upload of `key`.
fn gcs_target(
    bucket: &str,
    prefix: &str,
    key: &str,
    content_type: &str,
) -> (UploadObjectRequest, UploadType) {
    let upload = UploadType::Multipart(Box::new(GcsObject {
        name: Store::full_key(prefix, key),
        content_type: Some(content_type.to_owned()),
        ..Default::default()
    }));
    let request = UploadObjectRequest {
        bucket: bucket.to_owned(),
        ..Default::default()
    };
    (request, upload)
}

fn strip(prefix: &str, full: &str) -> String {
    if prefix.is_empty() {
        full.to_owned()
    } else {
        full.strip_prefix(prefix)
            .map(|k| k.trim_start_matches('/'))
            .unwrap_or(full)
            .to_owned()
    }
}

/// A streaming write in progress. Drop without [`Upload::finish`] and nothing is published;
/// [`Upload::abort`] also frees what the store kept of it.
pub struct Upload {
    url: String,
    key: String,
    kind: UploadKind,
}

enum UploadKind {
    Object(WriteMultipart),
    Gcs {
        session: ResumableUploadClient,
        buffer: BytesMut,
        offset: u64,
    },
}

impl Upload {
    fn err(&self, what: &str, e: impl std::fmt::Display) -> BackupError {
        BackupError::Store {
            url: self.url.clone(),
            key: self.key.clone(),
            reason: format!("{what}: {e}"),
        }
    }

    /// Appends bytes; waits while too many parts are in flight (bounded memory).
    pub async fn write(&mut self, data: Bytes) -> Result<(), BackupError> {
        match &mut self.kind {
            UploadKind::Object(writer) => {
                let waited = writer.wait_for_capacity(MAX_PARTS_IN_FLIGHT).await;
                if let Err(e) = waited {
                    return Err(self.err("upload part", e));
                }
                if let UploadKind::Object(writer) = &mut self.kind {
                    writer.put(data);
                }
                Ok(())
            }
            UploadKind::Gcs { buffer, .. } => {
                buffer.extend_from_slice(&data);
                while let UploadKind::Gcs { buffer, .. } = &self.kind {
                    if buffer.len() < PART_SIZE {
                        break;
                    }
                    self.send_gcs_chunk(false).await?;
                }
                Ok(())
            }
        }
    }

    /// Sends one full chunk (or, when `last`, everything left and the total size).
    async fn send_gcs_chunk(&mut self, last: bool) -> Result<(), BackupError> {
        let UploadKind::Gcs {
            session,
            buffer,
            offset,
        } = &mut self.kind
        else {
            return Ok(());
        };
        let len = if last {
            buffer.len()
        } else {
            PART_SIZE.min(buffer.len())
        };
        let chunk = buffer.split_to(len).freeze();
        let first = *offset;
        let sent = send_chunk_with_retries(session, chunk, first, last).await;
        *offset += len as u64;
        sent.map_err(|e| self.err("resumable upload", e))
    }

    /// Completes the upload: the object appears under its key, whole.
    pub async fn finish(mut self) -> Result<(), BackupError> {
        match self.kind {
            UploadKind::Object(writer) => {
                let url = self.url.clone();
                let key = self.key.clone();
                writer
                    .finish()
                    .await
                    .map(drop)
                    .map_err(|e| BackupError::Store {
                        url,
                        key,
                        reason: format!("complete upload: {e}"),
                    })
            }
            UploadKind::Gcs { .. } => self.send_gcs_chunk(true).await,
        }
    }

    /// Abandons the upload and frees the parts the store kept.
    pub async fn abort(self) {
        match self.kind {
            UploadKind::Object(writer) => {
                let _ = writer.abort().await;
            }
            UploadKind::Gcs { session, .. } => {
                let _ = session.cancel().await;
            }
        }
    }
}
