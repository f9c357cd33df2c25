//! Receivers for notifications: an HTTP server that records each POST (webhooks) and a
//! minimal SMTP server that records each message. Both run on a free loopback port in a
//! background thread; received items arrive on a channel, so tests wait for them without
//! sleeping.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use crate::TestkitError;

/// One HTTP request received by [`WebhookSink`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Answers every request with `200 OK` and hands it to the test.
pub struct WebhookSink {
    port: u16,
    rx: Mutex<mpsc::Receiver<Request>>,
}

impl WebhookSink {
    pub fn start() -> Result<Self, TestkitError> {
        let (port, rx) = listen("webhook sink", |stream| {
            serve_http(stream).into_iter().collect()
        })?;
        Ok(Self { port, rx })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next request, or `None` after `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Request> {
        self.rx.lock().ok()?.recv_timeout(timeout).ok()
    }
}

/// Accepts connections on a free port, one thread each; `serve` turns a connection into the
/// items the test receives.
fn listen<T: Send + 'static>(
    what: &str,
    serve: fn(TcpStream) -> Vec<T>,
) -> Result<(u16, Mutex<mpsc::Receiver<T>>), TestkitError> {
    let (listener, port) = bind(what)?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for item in serve(stream) {
                    let _ = tx.send(item);
                }
            });
        }
    });
    Ok((port, Mutex::new(rx)))
}

/// A listener on a free loopback port, and the port.
fn bind(what: &str) -> Result<(TcpListener, u16), TestkitError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| TestkitError::io(format!("binding the {what}"), e))?;
    let port = listener
        .local_addr()
        .map_err(|e| TestkitError::io(format!("{what} address"), e))?
        .port();
    Ok((listener, port))
}

fn serve_http(stream: TcpStream) -> Option<Request> {
    let request = read_request(&stream)?;
    answer(stream, 200);
    Some(request)
}

/// Reads one request (headers and a `Content-Length` body) from `stream`.
fn read_request(stream: &TcpStream) -> Option<Request> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_owned());
            if name == "content-length" {
                length = value.parse().unwrap_or(0);
            }
            headers.push((name, value));
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Answers with `status` and closes the connection.
fn answer(mut stream: TcpStream, status: u16) {
    let _ = stream.write_all(
        format!("HTTP/1.1 {status} Test\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            .as_bytes(),
    );
}

/// A webhook receiver that hands each request to the test unanswered, so the test decides
/// when and how it is answered: to hold a sender's request open, fail it, or drop it.
pub struct HoldingSink {
    port: u16,
    rx: Mutex<mpsc::Receiver<Held>>,
}

/// A request [`HoldingSink`] holds open until [`Held::answer`]; dropped unanswered, its
/// connection closes with no response.
pub struct Held {
    pub request: Request,
    answer: mpsc::Sender<u16>,
}

impl Held {
    pub fn answer(self, status: u16) {
        let _ = self.answer.send(status);
    }
}

impl HoldingSink {
    pub fn start() -> Result<Self, TestkitError> {
        let (listener, port) = bind("holding sink")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let Some(request) = read_request(&stream) else {
                        return;
                    };
                    let (answer_tx, answer_rx) = mpsc::channel();
                    let held = Held {
                        request,
                        answer: answer_tx,
                    };
                    if tx.send(held).is_ok()
                        && let Ok(status) = answer_rx.recv()
                    {
                        answer(stream, status);
                    }
                });
            }
        });
        Ok(Self {
            port,
            rx: Mutex::new(rx),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next request, or `None` after `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Held> {
        self.rx.lock().ok()?.recv_timeout(timeout).ok()
    }
}

/// One message received by [`SmtpSink`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent (dot-unstuffed).
    pub data: String,
}

/// A plain SMTP server (no TLS, no auth) that accepts every message.
pub struct SmtpSink {
    port: u16,
    rx: Mutex<mpsc::Receiver<Mail>>,
}

impl SmtpSink {
    pub fn start() -> Result<Self, TestkitError> {
        let (port, rx) = listen("SMTP sink", |stream| serve_smtp(stream).unwrap_or_default())?;
        Ok(Self { port, rx })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn next(&self, timeout: Duration) -> Option<Mail> {
        self.rx.lock().ok()?.recv_timeout(timeout).ok()
    }
}

fn serve_smtp(stream: TcpStream) -> Option<Vec<Mail>> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut out = stream.try_clone().ok()?;
    let mut reader = BufReader::new(stream);
    let mut send = |text: &str| out.write_all(text.as_bytes()).ok();
    send("220 127.0.0.1 ripcord-testkit ESMTP\r\n")?;
    let mut mails = Vec::new();
    let mut from = String::new();
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return Some(mails);
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            send("250-127.0.0.1\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") {
            send("250 127.0.0.1\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().to_owned();
            send("250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim().to_owned());
            send("250 OK\r\n")?;
        } else if upper == "DATA" {
            send("354 end with <CRLF>.<CRLF>\r\n")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).ok()? == 0 {
                    return Some(mails);
                }
                if l == ".\r\n" || l == ".\n" {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
            }
            mails.push(Mail {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            send("250 OK queued\r\n")?;
        } else if upper == "QUIT" {
            send("221 bye\r\n")?;
            return Some(mails);
        } else if upper == "RSET" || upper == "NOOP" {
            send("250 OK\r\n")?;
        } else {
            send("502 not implemented\r\n")?;
        }
    }
}
