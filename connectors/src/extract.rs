//! Streaming extraction: runs a profile's query and yields [`Item`]s batch by batch.
//!
//! Every known column is bound as capped text into one columnar buffer that is reused for each
//! round trip, so memory is the buffer (bounded by [`FetchOptions`]) plus the per-debtor state
//! of the mapper, whatever the number of rows. Text binding keeps amounts exact (no floating
//! point between the ERP and `parse_minor`) and works the same on every driver. Columns the
//! connector does not know are never bound, so they are never read.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::Instant;

use inkaso_shared::protocol::Exclusions;
use odbc_api::buffers::{BufferDesc, ColumnarDynBuffer};
use odbc_api::parameter::InputParameter;
use odbc_api::{BlockCursor, Connection, Cursor, IntoParameter, ResultSetMetadata};

use crate::columns::{COL_COUNT, Col};
use crate::connection::ConnectionSettings;
use crate::error::ConnectorError;
use crate::mapping::{Cell, ExcludedKeys, Item, Mapper, RowSource, Summary};
use crate::profile::{Param, PreparedQuery, ProfileKind, ProfileSettings};

/// Rows per fetch round trip. Measured with `inkaso-connectors-bench` on the SQLite3 ODBC
/// driver (see docs/connectors.md): throughput is flat from about 500 rows up and the buffer
/// grows linearly, so a moderate batch wins.
pub const DEFAULT_BATCH_ROWS: usize = 1000;

/// Upper bound of one fetch buffer, whatever the batch size asked for.
pub const DEFAULT_BUFFER_BUDGET: usize = 16 * 1024 * 1024;

/// How rows are fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOptions {
    /// Rows per round trip (reduced to fit the buffer budget).
    pub batch_rows: usize,
    /// Bytes one buffer may take.
    pub buffer_budget: usize,
    /// Fetch the next batch on a second thread while this one is mapped (two buffers).
    pub concurrent: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            batch_rows: DEFAULT_BATCH_ROWS,
            buffer_budget: DEFAULT_BUFFER_BUDGET,
            concurrent: true,
        }
    }
}

/// Everything an extraction needs.
#[derive(Debug, Clone, Default)]
pub struct ConnectorConfig {
    /// Where and how to connect.
    pub connection: ConnectionSettings,
    /// Which ERP and its firm-specific values.
    pub profile: ProfileSettings,
    /// What must never leave the premises.
    pub exclusions: Exclusions,
    /// Buffering.
    pub fetch: FetchOptions,
}

type OwnedBlockCursor = BlockCursor<odbc_api::OwnedCursor<Connection<'static>>, ColumnarDynBuffer>;

/// Per known column: (index in the buffer, byte cap, column number in the result set).
type Slots = [Option<(usize, usize, u16)>; COL_COUNT];

/// A fetch buffer with a capped text column for every bound slot, in slot order.
fn new_buffer(slots: &Slots, batch_rows: usize) -> ColumnarDynBuffer {
    let mut bound: Vec<(usize, usize, u16)> = slots.iter().flatten().copied().collect();
    bound.sort_unstable();
    ColumnarDynBuffer::from_descs_and_indices(
        batch_rows,
        bound
            .into_iter()
            .map(|(_, cap, odbc_index)| (odbc_index, text_desc(cap))),
    )
}

type Batch = Result<ColumnarDynBuffer, odbc_api::Error>;

/// Where batches come from.
enum Source {
    /// Fetch on this thread.
    Sequential(OwnedBlockCursor),
    /// A fetch thread fills one buffer while this thread maps the other.
    Concurrent {
        filled: Receiver<Batch>,
        empty: SyncSender<ColumnarDynBuffer>,
        mapping: Option<ColumnarDynBuffer>,
        thread: Option<JoinHandle<()>>,
    },
    /// The result set is consumed (or failed).
    Done,
}

impl Source {
    fn concurrent(
        block: OwnedBlockCursor,
        slots: &Slots,
        batch_rows: usize,
    ) -> Result<Self, ConnectorError> {
        let (filled_tx, filled) = sync_channel::<Batch>(1);
        let (empty, empty_rx) = sync_channel::<ColumnarDynBuffer>(1);
        // The second buffer waits in the channel for the first fetch to finish.
        let _ = empty.send(new_buffer(slots, batch_rows));
        let thread = std::thread::Builder::new()
            .name("inkaso-odbc-fetch".to_owned())
            .spawn(move || fetch_loop(block, &filled_tx, &empty_rx))
            .map_err(|source| ConnectorError::Io {
                path: "(wątek pobierania ODBC)".to_owned(),
                source,
            })?;
        Ok(Source::Concurrent {
            filled,
            empty,
            mapping: None,
            thread: Some(thread),
        })
    }
}

/// The fetch thread: fill the bound buffer, hand it over, bind the one handed back, repeat.
/// Ends when the result set is consumed, on an error (sent), or when the reader goes away.
fn fetch_loop(
    mut block: OwnedBlockCursor,
    filled: &SyncSender<Batch>,
    empty: &Receiver<ColumnarDynBuffer>,
) {
    loop {
        match block.fetch_with_truncation_check(false) {
            Ok(Some(_)) => {}
            Ok(None) => return,
            Err(e) => {
                let _ = filled.send(Err(e));
                return;
            }
        }
        let (cursor, buffer) = match block.unbind() {
            Ok(parts) => parts,
            Err(e) => {
                let _ = filled.send(Err(e));
                return;
            }
        };
        if filled.send(Ok(buffer)).is_err() {
            return;
        }
        let Ok(next) = empty.recv() else {
            return;
        };
        block = match cursor.bind_buffer(next) {
            Ok(b) => b,
            Err(e) => {
                let _ = filled.send(Err(e));
                return;
            }
        };
    }
}

impl Drop for Extraction {
    fn drop(&mut self) {
        // Dropping the channels (in `finish`) stops the fetch thread at its next hand-over.
        self.finish();
    }
}

/// A running extraction: an iterator of items, then a [`Summary`].
///
/// Errors (a lost connection, a failing query) end the iteration after being yielded once.
pub struct Extraction {
    source: Source,
    slots: Slots,
    mapper: Mapper,
    pending: VecDeque<Item>,
    started: Instant,
    profile: ProfileKind,
    batch_rows: usize,
}

impl std::fmt::Debug for Extraction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extraction")
            .field("profile", &self.profile)
            .field("open", &!matches!(self.source, Source::Done))
            .field("batch_rows", &self.batch_rows)
            .field("summary", &self.mapper.summary)
            .finish_non_exhaustive()
    }
}

/// Opens a connection, runs the profile's query and returns the stream of items.
pub fn extract(config: &ConnectorConfig) -> Result<Extraction, ConnectorError> {
    let started = Instant::now();
    let profile = config.profile.kind()?;
    let query = config.profile.prepare()?;
    let conn = config.connection.connect()?;
    let (cursor, slots, batch_rows) = open_cursor(conn, &query, config.fetch)?;
    let source = if config.fetch.concurrent {
        Source::concurrent(cursor, &slots, batch_rows)?
    } else {
        Source::Sequential(cursor)
    };
    Ok(Extraction {
        source,
        slots,
        mapper: Mapper::new(config.exclusions.clone(), query.date_format),
        pending: VecDeque::new(),
        started,
        profile,
        batch_rows,
    })
}

pub(crate) fn bind_params(params: &[Param]) -> Vec<Box<dyn InputParameter>> {
    params
        .iter()
        .map(|p| -> Box<dyn InputParameter> {
            match p {
                Param::Int(v) => Box::new(*v),
                Param::Text(t) => Box::new(t.clone().into_parameter()),
            }
        })
        .collect()
}

/// Executes the query and binds the capped text buffer to the known columns.
#[allow(clippy::type_complexity)]
fn open_cursor(
    conn: Connection<'static>,
    query: &PreparedQuery,
    fetch: FetchOptions,
) -> Result<(OwnedBlockCursor, Slots, usize), ConnectorError> {
    let params = bind_params(&query.params);
    let mut cursor = conn
        .into_cursor(&query.sql, params.as_slice(), None)
        .map_err(|e| ConnectorError::Odbc {
            context: "zapytanie profilu".to_owned(),
            source: e.error,
        })?
        .ok_or(ConnectorError::NoResultSet)?;
    let names: Vec<String> = cursor
        .column_names()
        .map_err(ConnectorError::odbc("nazwy kolumn"))?
        .collect::<Result<_, _>>()
        .map_err(ConnectorError::odbc("nazwy kolumn"))?;
    // slot: (buffer index, cap, result-set column number)
    let mut slots: Slots = [None; COL_COUNT];
    let mut bound = 0;
    for (i, name) in names.iter().enumerate() {
        let Some(col) = Col::from_name(name) else {
            continue;
        };
        if slots[col as usize].is_some() {
            continue;
        }
        let Ok(odbc_index) = u16::try_from(i + 1) else {
            continue;
        };
        slots[col as usize] = Some((bound, col.cap(), odbc_index));
        bound += 1;
    }
    let mut missing: Vec<String> = Col::ALL
        .iter()
        .filter(|c| c.required() && slots[**c as usize].is_none())
        .map(|c| c.name().to_owned())
        .collect();
    let has_number = slots[Col::DocNumber as usize].is_some()
        || (slots[Col::DocNumberSymbol as usize].is_some()
            && slots[Col::DocNumberSeq as usize].is_some());
    if !has_number {
        missing.push(Col::DocNumber.name().to_owned());
    }
    if !missing.is_empty() {
        return Err(ConnectorError::MissingColumns(missing));
    }
    let bytes_per_row: usize = slots
        .iter()
        .flatten()
        .map(|(_, cap, _)| text_desc(*cap).bytes_per_row())
        .sum();
    let batch_rows = fetch
        .batch_rows
        .min(fetch.buffer_budget / bytes_per_row.max(1))
        .max(1);
    let buffer = new_buffer(&slots, batch_rows);
    let block = cursor
        .bind_buffer(buffer)
        .map_err(ConnectorError::odbc("wiązanie bufora"))?;
    Ok((block, slots, batch_rows))
}

/// Narrow (UTF-8) text on Unix; UTF-16 on Windows, where narrow text would come in the ANSI
/// code page and lose Polish letters.
fn text_desc(cap: usize) -> BufferDesc {
    if cfg!(windows) {
        BufferDesc::WText { max_str_len: cap }
    } else {
        BufferDesc::Text { max_str_len: cap }
    }
}

struct BatchRow<'a> {
    batch: &'a ColumnarDynBuffer,
    slots: &'a Slots,
    row: usize,
}

fn shown_prefix(text: &str) -> String {
    text.chars().take(40).collect()
}

impl RowSource for BatchRow<'_> {
    fn cell(&self, col: Col) -> Cell<'_> {
        let Some((index, cap, _)) = self.slots[col as usize] else {
            return Cell::Null;
        };
        let column = self.batch.column(index);
        if let Some(text) = column.as_text() {
            let Some(bytes) = text.get(self.row) else {
                return Cell::Null;
            };
            if bytes.len() >= cap {
                return Cell::TooLong(shown_prefix(&String::from_utf8_lossy(bytes)));
            }
            return match std::str::from_utf8(bytes) {
                Ok(s) => Cell::Text(Cow::Borrowed(s)),
                Err(_) => Cell::NotUtf8(shown_prefix(&String::from_utf8_lossy(bytes))),
            };
        }
        if let Some(wide) = column.as_wide_text() {
            let Some(units) = wide.get(self.row) else {
                return Cell::Null;
            };
            let decoded = String::from_utf16_lossy(units);
            if units.len() >= cap {
                return Cell::TooLong(shown_prefix(&decoded));
            }
            return Cell::Text(Cow::Owned(decoded));
        }
        Cell::Null
    }
}

impl Extraction {
    /// The counts so far (final once the iterator is exhausted).
    pub fn summary(&self) -> Summary {
        let mut s = self.mapper.summary.clone();
        s.elapsed_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        s
    }

    /// The keys of what exclusions withheld (complete once the iterator is exhausted).
    pub fn take_excluded(&mut self) -> ExcludedKeys {
        self.mapper.take_excluded()
    }

    /// Rows read so far (for progress display).
    pub fn rows_read(&self) -> u64 {
        self.mapper.summary.rows_read
    }

    /// The profile being read.
    pub fn profile(&self) -> ProfileKind {
        self.profile
    }

    /// Rows per round trip actually used.
    pub fn batch_rows(&self) -> usize {
        self.batch_rows
    }

    fn fetch_batch(&mut self) -> Result<bool, ConnectorError> {
        let fetch_error = |source| ConnectorError::Odbc {
            context: "pobieranie wierszy".to_owned(),
            source,
        };
        let outcome = match &mut self.source {
            Source::Done => Ok(false),
            Source::Sequential(cursor) => match cursor.fetch() {
                Ok(Some(batch)) => {
                    map_rows(&mut self.mapper, &mut self.pending, &self.slots, batch);
                    Ok(true)
                }
                Ok(None) => Ok(false),
                Err(e) => Err(fetch_error(e)),
            },
            Source::Concurrent {
                filled,
                empty,
                mapping,
                ..
            } => {
                if let Some(done) = mapping.take() {
                    // The fetch thread may already have ended; then nobody needs it back.
                    let _ = empty.send(done);
                }
                match filled.recv() {
                    Ok(Ok(buffer)) => {
                        map_rows(&mut self.mapper, &mut self.pending, &self.slots, &buffer);
                        *mapping = Some(buffer);
                        Ok(true)
                    }
                    Ok(Err(e)) => Err(fetch_error(e)),
                    // The thread finished: the result set is consumed.
                    Err(_) => Ok(false),
                }
            }
        };
        if !matches!(outcome, Ok(true)) {
            self.finish();
        }
        outcome
    }

    /// Releases the cursor (and joins the fetch thread).
    fn finish(&mut self) {
        if let Source::Concurrent {
            filled,
            empty,
            mapping,
            thread,
        } = std::mem::replace(&mut self.source, Source::Done)
        {
            // Close both channels first: a fetch thread blocked on a hand-over then returns.
            drop((filled, empty, mapping));
            if let Some(handle) = thread {
                let _ = handle.join();
            }
        }
    }
}

fn map_rows(
    mapper: &mut Mapper,
    pending: &mut VecDeque<Item>,
    slots: &Slots,
    batch: &ColumnarDynBuffer,
) {
    mapper.summary.batches += 1;
    for row in 0..batch.num_rows() {
        let source = BatchRow { batch, slots, row };
        mapper.map_row(&source, pending);
    }
}

impl Iterator for Extraction {
    type Item = Result<Item, ConnectorError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(Ok(item));
            }
            match self.fetch_batch() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// What a raw fetch saw (benchmark baseline).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawFetch {
    /// Rows fetched.
    pub rows: u64,
    /// Bytes of non-NULL text fetched.
    pub bytes: u64,
    /// Round trips.
    pub batches: u64,
}

/// Runs the profile's query with the same buffers as [`extract`] and only counts what arrives:
/// the baseline the mapping overhead is measured against.
pub fn fetch_raw(config: &ConnectorConfig) -> Result<RawFetch, ConnectorError> {
    let query = config.profile.prepare()?;
    let conn = config.connection.connect()?;
    let (mut cursor, slots, _) = open_cursor(conn, &query, config.fetch)?;
    let mut stats = RawFetch::default();
    let bound: Vec<usize> = slots.iter().flatten().map(|(i, _, _)| *i).collect();
    while let Some(batch) = cursor
        .fetch()
        .map_err(ConnectorError::odbc("pobieranie wierszy"))?
    {
        stats.batches += 1;
        let rows = batch.num_rows();
        stats.rows += rows as u64;
        for &index in &bound {
            if let Some(text) = batch.column(index).as_text() {
                for r in 0..rows {
                    stats.bytes += text.get(r).map_or(0, |b| b.len() as u64);
                }
            }
        }
    }
    Ok(stats)
}
