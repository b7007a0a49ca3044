//! A minimal, sealed typst [`World`]: the compiler sees exactly three files and nothing else.
//!
//! * `/commun.typ`: the shared layout (header, footer, « À COMPLÉTER » boxes, tables);
//! * `/<document>.typ`: the document's template, the main file;
//! * `/vue.json`: the data, already formatted in French by [`crate::view`].
//!
//! The templates read the data with `json("/vue.json")`: user strings reach typst as string
//! *values*, never as markup, so a title like `#panic()` or `*gras*` is printed as typed.
//! There is no access to the file system, the network or packages, and the fonts are the ones
//! embedded in `typst-assets`: the output does not depend on the machine. `today()` answers the
//! document's own date so that the same data always gives the same PDF.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

/// The shared layout, imported by every template.
const COMMUN: &str = include_str!("../templates/commun.typ");

/// Fonts parsed once per process: parsing them takes longer than laying out a document.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// The standard library; no `sys.inputs`, the data comes through `/vue.json`.
static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// Interns a fixed project path. Only a handful of fixed paths are ever interned, so the
/// interner (which never frees) does not grow with the number of documents rendered.
fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One compilation: a template, the shared layout and the data.
pub(crate) struct DocumentWorld {
    main: Source,
    commun: Source,
    data: Bytes,
    data_id: FileId,
    today: DateTime<Utc>,
}

impl DocumentWorld {
    /// `main_path` is a fixed path such as `/cnil.typ`, `template` its markup, `data` the JSON.
    pub(crate) fn new(
        main_path: &str,
        template: &str,
        data: Vec<u8>,
        today: DateTime<Utc>,
    ) -> Result<Self, String> {
        let main_id = file_id(main_path).ok_or_else(|| format!("chemin invalide {main_path}"))?;
        let commun_id = file_id("/commun.typ").ok_or("chemin invalide /commun.typ")?;
        let data_id = file_id("/vue.json").ok_or("chemin invalide /vue.json")?;
        Ok(Self {
            main: Source::new(main_id, template.to_owned()),
            commun: Source::new(commun_id, COMMUN.to_owned()),
            data: Bytes::new(data),
            data_id,
            today,
        })
    }

    /// Lays the document out into pages.
    pub(crate) fn compile(&self) -> Result<typst_layout::PagedDocument, String> {
        let warned = typst::compile::<typst_layout::PagedDocument>(self);
        warned.output.map_err(|errors| self.describe(&errors))
    }

    /// Joins typst's diagnostics into one line for [`crate::Error`], with file and line. They
    /// are about our templates (user data cannot produce markup errors), hence meant for a
    /// developer rather than the user.
    fn describe(&self, errors: &[SourceDiagnostic]) -> String {
        errors
            .iter()
            .map(|e| {
                let mut message = String::new();
                if let Some(id) = e.span.id()
                    && let Ok(source) = self.source(id)
                    && let Some(range) = self.range(e.span)
                    && let Some(line) = source.lines().byte_to_line(range.start)
                {
                    message.push_str(&format!("{}:{} : ", id.vpath().get_with_slash(), line + 1));
                }
                message.push_str(&e.message);
                for hint in &e.hints {
                    message.push_str(" (");
                    message.push_str(&hint.v);
                    message.push(')');
                }
                message
            })
            .collect::<Vec<_>>()
            .join(" ; ")
    }
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.commun.id() {
            Ok(self.commun.clone())
        } else if id == self.data_id {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() || id == self.commun.id() {
            self.source(id).map(Bytes::from_string)
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        // The document's date, not the clock: rendering is reproducible.
        let date = match offset {
            None => crate::format::paris(self.today).date(),
            Some(offset) => {
                // `as` saturates; an absurd offset then fails in `try_seconds`, no panic.
                let seconds = offset.seconds().round() as i64;
                let delta = chrono::Duration::try_seconds(seconds)?;
                self.today.checked_add_signed(delta)?.date_naive()
            }
        };
        Datetime::from_ymd(
            date.year(),
            u8::try_from(date.month()).ok()?,
            u8::try_from(date.day()).ok()?,
        )
    }
}

/// The PDF timestamp of the document: its own date, for reproducible output.
pub(crate) fn timestamp(at: DateTime<Utc>) -> Option<typst_pdf::Timestamp> {
    let datetime = Datetime::from_ymd_hms(
        at.year(),
        u8::try_from(at.month()).ok()?,
        u8::try_from(at.day()).ok()?,
        u8::try_from(at.hour()).ok()?,
        u8::try_from(at.minute()).ok()?,
        u8::try_from(at.second()).ok()?,
    )?;
    Some(typst_pdf::Timestamp::new_utc(datetime))
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
