//! A minimal blocking HTTP/1.1 client for setting up emulators (create a bucket and so on),
//! so the testkit needs no HTTP stack of its own.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::TestkitError;

/// Sends one request to `127.0.0.1:port` and returns the status and body.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> Result<(u16, String), TestkitError> {
    let url = format!("http://127.0.0.1:{port}{path}");
    let io = |e| TestkitError::io(format!("{method} {url}"), e);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(io)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(io)?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(body).map_err(io)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(io)?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Like [`request`], failing unless the status is 2xx.
pub fn expect_ok(
    port: u16,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> Result<String, TestkitError> {
    let (status, text) = request(port, method, path, content_type, body)?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(TestkitError::Http {
            method: method.into(),
            url: format!("http://127.0.0.1:{port}{path}"),
            status,
            body: text,
        })
    }
}
