//! Attachments: a small document model and its writers (PDF, DOCX, ODT, XLSX, ODS, ZIP) and
//! image writers (PNG, JPEG).
//!
//! Every writer is hand-made and deterministic: no timestamps but the ones given, no random
//! identifiers, so the same document model always gives the same bytes.

pub mod image;
pub mod office;
pub mod pdf;

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading.
    Title(String),
    /// A paragraph; `\n` inside is a line break.
    Para(String),
    /// A table, first row being the header.
    Table(Vec<Vec<String>>),
}

/// A document as a list of blocks, written in any format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// Creation date written into the file's metadata (and ZIP entries): `(y, m, d, h, min, s)`.
    pub date: (u16, u8, u8, u8, u8, u8),
}

impl Doc {
    pub fn new(date: (u16, u8, u8, u8, u8, u8)) -> Doc {
        Doc {
            blocks: Vec::new(),
            date,
        }
    }

    pub fn title(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Title(s.into()));
        self
    }

    pub fn para(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Para(s.into()));
        self
    }

    pub fn table(&mut self, rows: Vec<Vec<String>>) -> &mut Self {
        self.blocks.push(Block::Table(rows));
        self
    }

    /// The text a reader sees, blocks separated by blank lines and table cells by « | ».
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Title(t) | Block::Para(t) => out.push_str(t),
                Block::Table(rows) => {
                    let lines: Vec<String> = rows.iter().map(|r| r.join(" | ")).collect();
                    out.push_str(&lines.join("\n"));
                }
            }
            out.push_str("\n\n");
        }
        out
    }
}

/// Attachment formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Odt,
    Xlsx,
    Ods,
    Txt,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Txt => "txt",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Txt => "text/plain",
        }
    }

    /// Writes `doc` in this format.
    pub fn write(self, doc: &Doc) -> Result<Vec<u8>, crate::CorpusError> {
        Ok(match self {
            Format::Pdf => pdf::write(doc),
            Format::Docx => office::docx(doc)?,
            Format::Odt => office::odt(doc)?,
            Format::Xlsx => office::xlsx(doc)?,
            Format::Ods => office::ods(doc)?,
            Format::Txt => doc.plain_text().into_bytes(),
        })
    }
}
