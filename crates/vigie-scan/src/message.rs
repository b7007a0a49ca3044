//! One message, scanned: what sensitive values and documents it holds, and where.
//!
//! This ties the MIME walk, the detectors and the classifier together. It is the unit the scan
//! pipeline (in `vigie-mail`) runs over every message of a mailbox, and the target of the
//! `mime_walk` fuzzer.

use std::collections::HashSet;

use crate::classify::{self, Category};
use crate::detect::{Detection, Detector};
use crate::extract::Limits;
use crate::mime::{self, Content, MessageMeta};

/// A sensitive value and the part it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedDetection {
    pub location: String,
    pub detection: Detection,
}

/// A sensitive document and the part it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedDocument {
    pub location: String,
    pub category: Category,
}

/// An image attachment (reported by role; its content is not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagePart {
    pub location: String,
    pub name: Option<String>,
    pub size: usize,
}

/// A part that could not be read, with the French reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartProblem {
    pub location: String,
    pub reason: String,
}

/// Everything found in one message.
#[derive(Debug, Clone, Default)]
pub struct MessageScan {
    pub meta: MessageMeta,
    /// Unique per (location, kind, value): the HTML and text sides of one mail count once.
    pub findings: Vec<LocatedDetection>,
    pub documents: Vec<LocatedDocument>,
    pub images: Vec<ImagePart>,
    pub problems: Vec<PartProblem>,
}

/// Scans one raw message (RFC 5322 bytes).
pub fn scan_message(raw: &[u8], detector: &Detector, limits: &Limits) -> MessageScan {
    let mut scan = MessageScan::default();
    let mut seen_values: HashSet<(String, crate::Kind, String)> = HashSet::new();
    let mut seen_docs: HashSet<(String, Category)> = HashSet::new();
    let mut detections = Vec::new();
    // Body text is kept (bounded) to give context to image attachments that come after it.
    let mut body_context = String::new();
    // The keyword occurrences of `body_context` while it holds one body part (the usual case):
    // classifying the body with the subject below then reads no text again.
    let mut body_scanned: Option<classify::Scanned> = None;
    let mut pending_images: Vec<ImagePart> = Vec::new();

    let meta = mime::walk(raw, limits, &mut |part| match part.content {
        Content::Text { text, .. } => {
            detections.clear();
            detector.scan(&text, &mut detections);
            let scanned = classify::Scanned::new(&text);
            if part.location == "body" && body_context.len() < 16 * 1024 {
                // Cut at a character boundary (`get` at a cut inside a character gave nothing,
                // and the body no context).
                let piece = classify::prefix(&text, 16 * 1024);
                if !piece.is_empty() {
                    body_scanned = body_context
                        .is_empty()
                        .then(|| scanned.truncated(piece.len()));
                    body_context.push_str(piece);
                }
            }
            // The subject is only known once the walk is over; it is used below.
            let categories = classify::classify_scanned(
                &scanned,
                &text,
                part.name.as_deref(),
                None,
                &detections,
            );
            for d in detections.drain(..) {
                if seen_values.insert((part.location.clone(), d.kind, d.value.clone())) {
                    scan.findings.push(LocatedDetection {
                        location: part.location.clone(),
                        detection: d,
                    });
                }
            }
            for category in categories {
                if seen_docs.insert((part.location.clone(), category)) {
                    scan.documents.push(LocatedDocument {
                        location: part.location.clone(),
                        category,
                    });
                }
            }
        }
        Content::Image { size, .. } => pending_images.push(ImagePart {
            location: part.location,
            name: part.name,
            size,
        }),
        Content::Unreadable { reason } => scan.problems.push(PartProblem {
            location: part.location,
            reason,
        }),
    });
    if let Some(s) = &meta.subject {
        // The subject is part of what an attacker reads: « Mon mot de passe : ... » happens.
        detections.clear();
        detector.scan(s, &mut detections);
        for d in detections.drain(..) {
            if seen_values.insert(("subject".into(), d.kind, d.value.clone())) {
                scan.findings.push(LocatedDetection {
                    location: "subject".into(),
                    detection: d,
                });
            }
        }
        // A body with no category of its own may still be named by the subject (« Facture »).
        if !scan.documents.iter().any(|d| d.location == "body") {
            let body_hits: Vec<Detection> = scan
                .findings
                .iter()
                .filter(|f| f.location == "body")
                .map(|f| f.detection.clone())
                .collect();
            let scanned = body_scanned
                .take()
                .unwrap_or_else(|| classify::Scanned::new(&body_context));
            for category in
                classify::classify_scanned(&scanned, &body_context, None, Some(s), &body_hits)
            {
                if seen_docs.insert(("body".into(), category)) {
                    scan.documents.push(LocatedDocument {
                        location: "body".into(),
                        category,
                    });
                }
            }
        }
    }
    // Images are judged with the body and the subject. Joined here, only for messages with
    // an image: appending the subject to every body grew (copied) a 9 KB text per message.
    if !pending_images.is_empty()
        && let Some(s) = &meta.subject
    {
        body_context.push('\n');
        body_context.push_str(s);
    }
    for image in pending_images {
        if let Some(category) =
            classify::classify_image(image.name.as_deref(), image.size, &body_context)
            && seen_docs.insert((image.location.clone(), category))
        {
            scan.documents.push(LocatedDocument {
                location: image.location.clone(),
                category,
            });
        }
        scan.images.push(image);
    }
    scan.meta = meta;
    scan
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    /// A message whose body says what its attachment is, and a picture with a generic name.
    fn body_and_picture(body: &str) -> Vec<u8> {
        // A PNG signature and zeros, 50,001 bytes, in base64 76 characters a line.
        let encoded = format!("iVBORw0KGgoA{}", "AAAA".repeat(16_664));
        let lines: Vec<&str> = encoded
            .as_bytes()
            .chunks(76)
            .map(|line| std::str::from_utf8(line).unwrap())
            .collect();
        let picture = lines.join("\r\n");
        format!(
            "From: a@example.fr\r\nSubject: Document\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n\
             --B\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n\
             --B\r\nContent-Type: image/png; name=\"scan001.png\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{picture}\r\n--B--\r\n"
        )
        .into_bytes()
    }

    fn picture_category(body: &str) -> Option<Category> {
        let scan = scan_message(
            &body_and_picture(body),
            &Detector::new(),
            &Limits::default(),
        );
        assert_eq!(
            scan.images.len(),
            1,
            "{:?} {:?} {:?}",
            scan.images,
            scan.problems,
            scan.documents
        );
        scan.documents
            .iter()
            .find(|d| d.location.starts_with("attachment:"))
            .map(|d| d.category)
    }

    #[test]
    fn a_picture_is_named_by_the_body() {
        let said = "Voici ma signature scannée pour le registre.";
        assert_eq!(picture_category(said), Some(Category::SignatureOrStamp));
        assert_eq!(picture_category("Bonne journée."), None);
    }

    /// The body context is cut at 16 KiB; a cut inside a character used to drop it whole.
    #[test]
    fn a_long_body_cut_inside_a_character_still_names_the_picture() {
        let said = "Voici ma signature scannée pour le registre.\n";
        let mut body = said.to_owned();
        body.push_str(&"x".repeat(16 * 1024 - 1 - said.len()));
        body.push_str("é et la suite du courrier.");
        assert!(!body.is_char_boundary(16 * 1024));
        assert_eq!(picture_category(&body), Some(Category::SignatureOrStamp));
    }
}
