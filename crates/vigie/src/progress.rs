//! The progress bar: shown on terminals only, never in JSON mode, driven by a thread that polls
//! the scan pool's counters (the workers never wait on the display).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shared counters the bar reads.
#[derive(Debug, Default)]
pub struct Counters {
    pub done: AtomicU64,
    pub bytes: AtomicU64,
    pub total: AtomicU64,
}

/// A running progress display; `finish` clears it.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Whether the bar is drawn: the total it shows costs a listing of the whole source, which
    /// a scan without a bar does not pay for.
    pub fn is_shown(&self) -> bool {
        self.thread.is_some()
    }

    /// Starts the display when `enabled` and stderr is a terminal.
    pub fn start(enabled: bool, counters: Arc<Counters>) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress { stop, thread: None };
        }
        let stop_flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} {msg} [{elapsed_precise}] {wide_bar} {pos}/{len}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            while !stop_flag.load(Ordering::Relaxed) {
                let total = counters.total.load(Ordering::Relaxed);
                if total > 0 {
                    bar.set_length(total);
                }
                bar.set_position(counters.done.load(Ordering::Relaxed));
                bar.set_message(format!(
                    "Analyse des messages ({} Mo lus)",
                    counters.bytes.load(Ordering::Relaxed) >> 20
                ));
                bar.tick();
                std::thread::sleep(Duration::from_millis(120));
            }
            bar.finish_and_clear();
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops and clears the display.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
