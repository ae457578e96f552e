//! A small A4 page writer over printpdf 0.12: embedded DejaVu Sans (regular and bold, so
//! Polish letters render and extract back exactly), text measured with the font's own advance
//! widths, word wrapping, and page breaks. Letters and posting books are built on it.
//!
//! Every line of text drawn is also kept as a string ([`PdfWriter::lines`]), which is what the
//! `pdftotext` round-trip tests compare against.

use printpdf::{
    FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem,
};

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE`).
const REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
const BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// A4 width.
pub const PAGE_WIDTH_MM: f32 = 210.0;
/// A4 height.
pub const PAGE_HEIGHT_MM: f32 = 297.0;
/// Margin on every side.
pub const MARGIN_MM: f32 = 20.0;

/// Why a PDF could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("nie można wczytać czcionki PDF")]
    Font,
}

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// DejaVu Sans.
    Regular,
    /// DejaVu Sans Bold.
    Bold,
}

/// Horizontal alignment of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// From the cell's x.
    Left,
    /// Ending at the cell's x.
    Right,
}

struct Face {
    parsed: ParsedFont,
    id: FontId,
}

/// Writes pages top to bottom.
pub struct PdfWriter {
    doc: PdfDocument,
    regular: Face,
    bold: Face,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page, in mm, of the next line's baseline.
    y: f32,
    lines: Vec<String>,
}

impl std::fmt::Debug for PdfWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfWriter")
            .field("pages", &self.pages.len())
            .field("y", &self.y)
            .finish_non_exhaustive()
    }
}

fn pt_to_mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

impl PdfWriter {
    /// A document titled `title` with one empty page.
    pub fn new(title: &str) -> Result<Self, PdfError> {
        let mut doc = PdfDocument::new(title);
        let mut warnings = Vec::new();
        let regular =
            ParsedFont::from_bytes(REGULAR_TTF, 0, &mut warnings).ok_or(PdfError::Font)?;
        let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut warnings).ok_or(PdfError::Font)?;
        let regular_id = doc.add_font(&regular);
        let bold_id = doc.add_font(&bold);
        Ok(PdfWriter {
            doc,
            regular: Face {
                parsed: regular,
                id: regular_id,
            },
            bold: Face {
                parsed: bold,
                id: bold_id,
            },
            pages: vec![Vec::new()],
            y: MARGIN_MM,
            lines: Vec::new(),
        })
    }

    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Width of `text` in mm at `size` points.
    pub fn width_mm(&self, text: &str, size: f32, weight: Weight) -> f32 {
        let font = &self.face(weight).parsed;
        let upem = f32::from(font.font_metrics.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                font.lookup_glyph_index(u32::from(c))
                    .map_or(0, |g| u32::from(font.get_horizontal_advance(g)))
            })
            .sum();
        // Glyph advances are at most a few thousand units: exact in f32 for layout purposes.
        #[allow(clippy::cast_precision_loss)]
        let units = units as f32;
        pt_to_mm(units / upem * size)
    }

    /// Splits `text` into lines no wider than `width_mm`, breaking between words (a word longer
    /// than the line is broken between characters).
    pub fn wrap(&self, text: &str, size: f32, weight: Weight, width_mm: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width_mm(&candidate, size, weight) <= width_mm {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if self.width_mm(word, size, weight) <= width_mm {
                    word.clone_into(&mut line);
                } else {
                    for c in word.chars() {
                        let mut next = line.clone();
                        next.push(c);
                        if self.width_mm(&next, size, weight) > width_mm && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line.push(c);
                        } else {
                            line = next;
                        }
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// Line height for `size` points, in mm.
    pub fn line_height(size: f32) -> f32 {
        pt_to_mm(size * 1.4)
    }

    /// Starts a new page when fewer than `needed_mm` remain above the bottom margin.
    pub fn ensure_space(&mut self, needed_mm: f32) -> bool {
        if self.y + needed_mm > PAGE_HEIGHT_MM - MARGIN_MM {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Starts a new page.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_MM;
    }

    /// Pages so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Moves down by `mm`.
    pub fn skip(&mut self, mm: f32) {
        self.y += mm;
    }

    fn draw(
        &mut self,
        page: usize,
        x_mm: f32,
        y_from_top_mm: f32,
        size: f32,
        weight: Weight,
        text: &str,
    ) {
        let id = self.face(weight).id.clone();
        let ops = [
            Op::StartTextSection,
            Op::SetTextCursor {
                pos: Point::new(Mm(x_mm), Mm(PAGE_HEIGHT_MM - y_from_top_mm)),
            },
            Op::SetFont {
                font: PdfFontHandle::External(id),
                size: Pt(size),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ];
        if let Some(p) = self.pages.get_mut(page) {
            p.extend(ops);
        }
    }

    /// Draws one line made of cells `(x_mm, align, text)` and moves down.
    pub fn row(&mut self, size: f32, weight: Weight, cells: &[(f32, Align, &str)]) {
        let h = Self::line_height(size);
        self.ensure_space(h);
        self.y += h;
        let page = self.pages.len() - 1;
        let y = self.y;
        let mut parts = Vec::new();
        for (x, align, text) in cells {
            if text.is_empty() {
                continue;
            }
            let x = match align {
                Align::Left => *x,
                Align::Right => *x - self.width_mm(text, size, weight),
            };
            self.draw(page, x, y, size, weight, text);
            parts.push((*text).to_owned());
        }
        self.lines.push(parts.join(" "));
    }

    /// Draws text wrapped to the width between the margins.
    pub fn paragraph(&mut self, text: &str, size: f32, weight: Weight) {
        let width = PAGE_WIDTH_MM - 2.0 * MARGIN_MM;
        for line in self.wrap(text, size, weight, width) {
            if line.is_empty() {
                self.skip(Self::line_height(size) / 2.0);
                continue;
            }
            self.row(size, weight, &[(MARGIN_MM, Align::Left, &line)]);
        }
    }

    /// Draws a horizontal rule across the text width.
    pub fn rule(&mut self) {
        self.ensure_space(3.0);
        self.y += 1.5;
        let y = Mm(PAGE_HEIGHT_MM - self.y).into_pt();
        let line = Line {
            points: vec![
                LinePoint {
                    p: Point {
                        x: Mm(MARGIN_MM).into_pt(),
                        y,
                    },
                    bezier: false,
                },
                LinePoint {
                    p: Point {
                        x: Mm(PAGE_WIDTH_MM - MARGIN_MM).into_pt(),
                        y,
                    },
                    bezier: false,
                },
            ],
            is_closed: false,
        };
        if let Some(p) = self.pages.last_mut() {
            p.push(Op::SetOutlineThickness { pt: Pt(0.5) });
            p.push(Op::DrawLine { line });
        }
        self.y += 1.5;
    }

    /// Every line of text drawn so far, cells joined by one space.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Adds `Strona n z m` at the foot of every page, then saves.
    pub fn finish(mut self, footer: impl Fn(usize, usize) -> String) -> (Vec<u8>, Vec<String>) {
        let total = self.pages.len();
        for i in 0..total {
            let text = footer(i + 1, total);
            let x = PAGE_WIDTH_MM - MARGIN_MM - self.width_mm(&text, 8.0, Weight::Regular);
            self.draw(
                i,
                x,
                PAGE_HEIGHT_MM - MARGIN_MM / 2.0,
                8.0,
                Weight::Regular,
                &text,
            );
        }
        let pages: Vec<PdfPage> = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM), ops))
            .collect();
        let mut warnings = Vec::new();
        let bytes = self
            .doc
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut warnings);
        (bytes, self.lines)
    }
}
