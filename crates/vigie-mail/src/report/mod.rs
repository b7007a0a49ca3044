//! Reports of the exposure scan and of the audit: a terminal summary, JSON, and one
//! self-contained French HTML file.
//!
//! Everything shown here comes from already-masked records; anything that came from a message
//! (subject, file name, folder) is escaped before it reaches HTML.

pub mod advice;
pub mod charts;
pub mod html;
pub mod text;

use chrono::TimeZone;
use chrono_tz::Europe::Paris;

/// Formats an RFC 3339 date as a French day (`12/03/2019`) in Europe/Paris time.
pub fn french_day(rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map(|d| {
            Paris
                .from_utc_datetime(&d.naive_utc())
                .format("%d/%m/%Y")
                .to_string()
        })
        .unwrap_or_else(|| "date inconnue".to_owned())
}

/// Formats an RFC 3339 date as a French date and time in Europe/Paris.
pub fn french_datetime(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|d| {
            Paris
                .from_utc_datetime(&d.naive_utc())
                .format("%d/%m/%Y à %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// French label of a value kind.
pub fn kind_label(kind: &str) -> &'static str {
    vigie_scan::Kind::ALL
        .iter()
        .find(|k| k.as_str() == kind)
        .map(|k| k.label_fr())
        .unwrap_or("Autre donnée sensible")
}

/// French label of a document category.
pub fn category_label(category: &str) -> &'static str {
    vigie_scan::classify::Category::ALL
        .iter()
        .find(|c| c.as_str() == category)
        .map(|c| c.label_fr())
        .unwrap_or("Autre document")
}

/// Human size in French units (`1,2 Mo`).
pub fn french_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["octets", "Ko", "Mo", "Go"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} octets")
    } else {
        format!("{value:.1} {}", UNITS[unit]).replace('.', ",")
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over the target. A crash or a full disk never leaves a truncated report or
/// state in place of a good one.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vigie".to_owned());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_in_paris_time() {
        // 23:30 UTC on 31 December is already 1 January in Paris.
        assert_eq!(french_day(Some("2019-12-31T23:30:00Z")), "01/01/2020");
        assert_eq!(french_day(None), "date inconnue");
        assert_eq!(
            french_datetime("2026-07-01T10:00:00Z"),
            "01/07/2026 à 12:00"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(french_size(12), "12 octets");
        assert_eq!(french_size(1536), "1,5 Ko");
        assert_eq!(french_size(200 * 1024 * 1024), "200,0 Mo");
    }
}
