//! Streaming a large source through the blob store keeps memory bounded.
//!
//! Alone in its test binary on purpose: the check reads the process's peak resident memory
//! (VmHWM), which other tests running in parallel threads would disturb.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256};
use vigie_store::{BlobCheck, LocalBlobStore};

const SIZE: u64 = 300 * 1024 * 1024;

/// Yields `remaining` bytes of a fixed pseudo-random pattern without ever holding them: a
/// stand-in for a 2 GB mailbox export. The pattern length (a prime) is not a multiple of any
/// chunk size, so consecutive chunks differ.
struct Generated {
    pattern: Vec<u8>,
    offset: usize,
    remaining: u64,
}

impl Generated {
    fn new(size: u64) -> Generated {
        let mut x: u32 = 0x9e37_79b9;
        let pattern = (0..65_521)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        Generated {
            pattern,
            offset: 0,
            remaining: size,
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = &self.pattern[self.offset..];
        let n = buf
            .len()
            .min(available.len())
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        buf[..n].copy_from_slice(&available[..n]);
        self.offset = (self.offset + n) % self.pattern.len();
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Peak resident set size of this process, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_300_mb_stream_is_stored_with_bounded_memory() {
    // Expected hash, computed from the same generator (streamed as well).
    let mut hasher = Sha256::new();
    let mut source = Generated::new(SIZE);
    let mut buf = vec![0_u8; 1 << 20];
    loop {
        let n = source.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let expected: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    drop(buf);

    let dir = tempfile::tempdir().unwrap();
    let store = LocalBlobStore::new(dir.path()).unwrap();
    let before = peak_rss_kib();
    let blob = store.put_stream(Generated::new(SIZE)).unwrap();
    let after = peak_rss_kib();
    assert_eq!(blob.size, SIZE);
    assert_eq!(blob.sha256, expected);
    assert_eq!(
        std::fs::metadata(store.path_of(&blob.sha256).unwrap())
            .unwrap()
            .len(),
        SIZE
    );
    if let (Some(before), Some(after)) = (before, after) {
        let grown_mib = (after.saturating_sub(before)) / 1024;
        eprintln!("peak RSS {before} KiB -> {after} KiB while storing {SIZE} bytes");
        assert!(
            grown_mib < 32,
            "peak memory grew by {grown_mib} MiB while storing {} MiB",
            SIZE / (1024 * 1024)
        );
    }
    assert_eq!(store.verify(&blob.sha256).unwrap(), BlobCheck::Intact);
}
