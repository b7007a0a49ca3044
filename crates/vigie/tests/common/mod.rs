//! What the `vigie serve` process tests share: a server child process that is stopped when
//! dropped.

#![allow(dead_code)] // Each test file uses its own part.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// The server key given to every server (so a test can seal secrets the servers can open).
pub const KEY: [u8; 32] = [7; 32];

/// A `vigie serve` child process, stopped (SIGINT, then kill) when dropped.
pub struct Server {
    child: Child,
    output: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `vigie serve` on a free port with these extra environment variables, and waits
    /// until it says it has started.
    pub fn start(
        data_dir: &std::path::Path,
        db: &str,
        config: &std::path::Path,
        envs: &[(&str, &str)],
    ) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--db", db, "--config"])
            .arg(config)
            .env(
                "VIGIE_SECRET_KEY",
                base64::engine::general_purpose::STANDARD.encode(KEY),
            )
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("vigie serve: {e}"));
        let output = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let output = std::sync::Arc::clone(&output);
            let ready_tx = ready_tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line.starts_with("Vigie est démarré") {
                        let _ = ready_tx.send(());
                    }
                    if let Ok(mut o) = output.lock() {
                        o.push_str(&line);
                        o.push('\n');
                    }
                }
            });
        }
        let mut server = Server { child, output };
        if ready_rx.recv_timeout(Duration::from_secs(60)).is_err() {
            panic!("vigie serve did not start:\n{}", server.output());
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("vigie serve ended ({status}):\n{}", server.output());
        }
        server
    }

    /// Everything the server printed so far.
    pub fn output(&self) -> String {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child's pid, with a valid signal number.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGINT);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
