//! The byte pipelines, run on blocking threads: pg_dump's output → zstd → age (optional) →
//! sha256 → chunks for the uploader; and chunks from the store → age → zstd → pg_restore.
//!
//! Memory is bounded by the chunk size times the channel capacity, whatever the database size.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

/// Size of the chunks handed between threads.
pub const CHUNK: usize = 1024 * 1024;
/// Chunks in flight between two stages.
pub const CHANNEL_CAPACITY: usize = 4;

/// Live byte counters, read by the progress reporter.
#[derive(Debug, Default)]
pub struct Counters {
    /// Bytes read from pg_dump (or written to pg_restore).
    pub raw: AtomicU64,
    /// Bytes of the stored object so far.
    pub stored: AtomicU64,
}

/// What the encoder produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub raw_bytes: u64,
    pub stored_bytes: u64,
    pub sha256: String,
}

/// Encryption settings for the encoder.
pub type Recipients = Vec<Box<dyn age::Recipient + Send>>;

struct Sink {
    buf: Vec<u8>,
    tx: mpsc::Sender<Bytes>,
    hasher: Sha256,
    bytes: u64,
    counters: Arc<Counters>,
}

impl Sink {
    fn flush_chunk(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.hasher.update(&chunk);
        self.bytes += chunk.len() as u64;
        self.counters
            .stored
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
        self.tx.blocking_send(chunk).map_err(|_| {
            io::Error::new(io::ErrorKind::BrokenPipe, "the upload stopped taking data")
        })
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush_chunk()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Layer {
    Plain(Sink),
    Age(age::stream::StreamWriter<Sink>),
}

impl Write for Layer {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Layer::Plain(sink) => sink.write(data),
            Layer::Age(writer) => writer.write(data),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Layer::Plain(sink) => sink.flush(),
            Layer::Age(writer) => writer.flush(),
        }
    }
}

/// Compresses (zstd, with its frame checksum), optionally encrypts, hashes and sends `input`
/// in chunks of about [`CHUNK`] bytes. Fails with `BrokenPipe` when the receiver is gone.
///
/// When `tee` is given, every chunk read is also sent there (for [`crate::archive::scan`]);
/// if that receiver goes away, the tee stops and encoding goes on.
pub fn encode(
    mut input: impl Read,
    level: i32,
    workers: u32,
    recipients: Option<&Recipients>,
    tx: mpsc::Sender<Bytes>,
    mut tee: Option<mpsc::Sender<Bytes>>,
    counters: Arc<Counters>,
) -> io::Result<Encoded> {
    let sink = Sink {
        buf: Vec::with_capacity(CHUNK),
        tx,
        hasher: Sha256::new(),
        bytes: 0,
        counters: counters.clone(),
    };
    let layer = match recipients {
        Some(recipients) => {
            let encryptor = age::Encryptor::with_recipients(
                recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient),
            )
            .map_err(|e| io::Error::other(format!("age: {e}")))?;
            Layer::Age(encryptor.wrap_output(sink)?)
        }
        None => Layer::Plain(sink),
    };
    let mut encoder = zstd::stream::write::Encoder::new(layer, level)?;
    encoder.include_checksum(true)?;
    if workers > 0 {
        encoder.multithread(workers)?;
    }
    let mut buf = vec![0u8; 256 * 1024];
    let mut raw = 0u64;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        raw += n as u64;
        counters.raw.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(sender) = &tee
            && sender
                .blocking_send(Bytes::copy_from_slice(&buf[..n]))
                .is_err()
        {
            tee = None;
        }
        encoder.write_all(&buf[..n])?;
    }
    let layer = encoder.finish()?;
    let mut sink = match layer {
        Layer::Plain(sink) => sink,
        Layer::Age(writer) => writer.finish()?,
    };
    sink.flush_chunk()?;
    Ok(Encoded {
        raw_bytes: raw,
        stored_bytes: sink.bytes,
        sha256: hex::encode(sink.hasher.finalize()),
    })
}

/// A `Read` over chunks arriving on a channel (blocking receive).
pub struct ChannelReader {
    rx: mpsc::Receiver<Bytes>,
    current: Bytes,
}

impl ChannelReader {
    pub fn new(rx: mpsc::Receiver<Bytes>) -> Self {
        Self {
            rx,
            current: Bytes::new(),
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Decrypts (when `identities` is given) and decompresses `input` into `output`; returns the
/// number of bytes written. A corrupt or truncated stream is an error (zstd's frame checksum,
/// age's authenticated chunks).
pub fn decode(
    input: impl Read,
    identities: Option<&[Box<dyn age::Identity + Send + Sync>]>,
    mut output: impl Write,
    counters: &Counters,
) -> io::Result<u64> {
    let input = io::BufReader::with_capacity(256 * 1024, input);
    let reader: Box<dyn Read> = match identities {
        Some(identities) => {
            let decryptor = age::Decryptor::new_buffered(input)
                .map_err(|e| io::Error::other(format!("age: {e}")))?;
            Box::new(
                decryptor
                    .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
                    .map_err(|e| io::Error::other(format!("age: {e}")))?,
            )
        }
        None => Box::new(input),
    };
    let mut decoder = zstd::stream::read::Decoder::new(reader)?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        output.write_all(&buf[..n])?;
        total += n as u64;
        counters.raw.fetch_add(n as u64, Ordering::Relaxed);
    }
    output.flush()?;
    Ok(total)
}

/// Forwards all but the last `keep` bytes written until [`HoldBack::release`]. A consumer
/// that acts on the end of its input — pg_restore commits when the archive ends — cannot
/// act before the caller has checked the whole input (its sha256), however the input is cut.
pub struct HoldBack<W: Write> {
    inner: W,
    held: Vec<u8>,
    keep: usize,
}

impl<W: Write> HoldBack<W> {
    pub fn new(inner: W, keep: usize) -> Self {
        HoldBack {
            inner,
            held: Vec::with_capacity(2 * keep),
            keep,
        }
    }

    /// Writes what was held back: the input was checked and may be acted on.
    pub fn release(mut self) -> io::Result<W> {
        self.inner.write_all(&self.held)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for HoldBack<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.held.extend_from_slice(buf);
        if self.held.len() > self.keep {
            let excess = self.held.len() - self.keep;
            self.inner.write_all(&self.held[..excess])?;
            self.held.drain(..excess);
        }
        Ok(buf.len())
    }

    /// Flushes what was forwarded; what is held stays held.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Keeps the last `limit` bytes of a child's stderr, for error messages.
pub fn tail_reader(
    mut pipe: impl Read + Send + 'static,
    limit: usize,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut kept: Vec<u8> = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            kept.extend_from_slice(&buf[..n]);
            if kept.len() > limit {
                let cut = kept.len() - limit;
                kept.drain(..cut);
            }
        }
        String::from_utf8_lossy(&kept).trim().to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(data: &[u8], encrypt: bool) -> (Vec<u8>, Encoded) {
        let identity = age::x25519::Identity::generate();
        let recipients: Recipients = vec![Box::new(identity.to_public())];
        let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
        let input = data.to_vec();
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let handle = std::thread::spawn(move || {
            encode(
                &input[..],
                3,
                0,
                encrypt.then_some(&recipients),
                tx,
                None,
                c,
            )
        });
        let mut stored = Vec::new();
        while let Some(chunk) = rx.blocking_recv() {
            stored.extend_from_slice(&chunk);
        }
        let encoded = handle.join().expect("thread").expect("encode");
        assert_eq!(encoded.stored_bytes, stored.len() as u64);
        assert_eq!(encoded.sha256, hex::encode(Sha256::digest(&stored)));
        let identities: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(identity)];
        let mut out = Vec::new();
        decode(
            &stored[..],
            encrypt.then_some(&identities[..]),
            &mut out,
            &Counters::default(),
        )
        .expect("decode");
        (out, encoded)
    }

    #[test]
    fn plain_and_encrypted_streams_round_trip() {
        let data: Vec<u8> = (0..3_000_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for encrypt in [false, true] {
            let (out, encoded) = roundtrip(&data, encrypt);
            assert_eq!(out, data, "encrypt={encrypt}");
            assert_eq!(encoded.raw_bytes, data.len() as u64);
        }
    }

    #[test]
    fn hold_back_forwards_all_but_the_tail_until_released() {
        let mut sink = Vec::new();
        let mut held = HoldBack::new(&mut sink, 4);
        held.write_all(b"abcdef").expect("write");
        held.write_all(b"gh").expect("write");
        held.flush().expect("flush");
        drop(held);
        assert_eq!(sink, b"abcd", "the last 4 bytes stay back, flush or not");
        let mut sink = Vec::new();
        let mut held = HoldBack::new(&mut sink, 4);
        held.write_all(b"abcdefgh").expect("write");
        held.release().expect("release");
        assert_eq!(sink, b"abcdefgh");
    }

    #[test]
    fn a_flipped_byte_fails_decoding() {
        let data = b"hello, world. ".repeat(10_000);
        let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
        let input = data.clone();
        let handle = std::thread::spawn(move || {
            encode(
                &input[..],
                3,
                0,
                None,
                tx,
                None,
                Arc::new(Counters::default()),
            )
        });
        let mut stored = Vec::new();
        while let Some(chunk) = rx.blocking_recv() {
            stored.extend_from_slice(&chunk);
        }
        handle.join().expect("thread").expect("encode");
        let middle = stored.len() / 2;
        stored[middle] ^= 0x40;
        let mut out = Vec::new();
        let result = decode(&stored[..], None, &mut out, &Counters::default());
        assert!(result.is_err() || out != data);
    }
}
