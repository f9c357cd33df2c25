//! Progress on a terminal (bytes, rate, elapsed) or as JSON lines on stderr for machines.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::pipeline::Counters;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// A live line when stderr is a terminal, nothing otherwise.
    #[default]
    Auto,
    /// Always the live line.
    Bar,
    /// One JSON object per line on stderr, twice a second.
    Json,
    /// Nothing.
    None,
}

pub struct Reporter {
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Reporter {
    /// Starts reporting `counters` for a phase (`backup`, `restore`, `verify`).
    pub fn start(mode: ProgressMode, phase: &'static str, counters: Arc<Counters>) -> Self {
        let mode = match mode {
            ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bar,
            ProgressMode::Auto => ProgressMode::None,
            other => other,
        };
        if mode == ProgressMode::None {
            return Self {
                stop: None,
                task: None,
            };
        }
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let bar = (mode == ProgressMode::Bar).then(|| {
                let bar = indicatif::ProgressBar::new_spinner();
                if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg}") {
                    bar.set_style(style);
                }
                bar
            });
            let period = if bar.is_some() {
                Duration::from_millis(200)
            } else {
                Duration::from_millis(500)
            };
            let mut ticker = tokio::time::interval(period);
            loop {
                let done = tokio::select! {
                    _ = ticker.tick() => false,
                    _ = &mut stopped => true,
                };
                let raw = counters.raw.load(Ordering::Relaxed);
                let stored = counters.stored.load(Ordering::Relaxed);
                let elapsed = started.elapsed();
                let rate = raw as f64 / elapsed.as_secs_f64().max(0.001);
                match &bar {
                    Some(bar) => {
                        bar.set_message(format!(
                            "{phase}: {} read, {} stored, {}/s, {}",
                            crate::human_bytes(raw),
                            crate::human_bytes(stored),
                            crate::human_bytes(rate as u64),
                            crate::human_duration(elapsed)
                        ));
                        bar.tick();
                        if done {
                            bar.finish_and_clear();
                        }
                    }
                    None => {
                        let line = serde_json::json!({
                            "event": "progress",
                            "phase": phase,
                            "raw_bytes": raw,
                            "stored_bytes": stored,
                            "elapsed_ms": elapsed.as_millis() as u64,
                            "bytes_per_second": rate as u64,
                            "done": done,
                        });
                        eprintln!("{line}");
                    }
                }
                if done {
                    break;
                }
            }
        });
        Self {
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Prints the final line and stops.
    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
