//! A Microsoft Network Monitor `.cap` writer for tests (NetMon 1.x `RTSS`
//! and 2.x `GMBU`), laid out as Wireshark's `editcap -F netmon1|netmon2`
//! writes them: the 128-byte file header, the records back to back from byte
//! 128, then the frame table (one little-endian `u32` record offset per
//! record). Unlike editcap it also writes what NetMon itself does and
//! editcap cannot: per-record media types of every kind (2.1 and later),
//! the 2.3 trailer with its UTC FILETIME, metadata records (NetEvent,
//! network info) and a frame table in another order than the records.

/// Bytes of the NetMon file header, magic included (padded with zeros).
pub const HEADER_LEN: usize = 128;

/// The capture start time of the file header (a Windows SYSTEMTIME).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SystemTime {
    /// Year, e.g. 2026.
    pub year: u16,
    /// Month, January = 1.
    pub month: u16,
    /// Day of the month.
    pub day: u16,
    /// Hour.
    pub hour: u16,
    /// Minute.
    pub minute: u16,
    /// Second.
    pub second: u16,
    /// Millisecond.
    pub millis: u16,
}

/// One record to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Time since the header's start time: milliseconds (1.x) or
    /// microseconds (2.x), as stored.
    pub delta: u64,
    /// Length on the wire.
    pub orig_len: u32,
    /// The captured bytes.
    pub data: Vec<u8>,
    /// Media type in the 2.1+ trailer (ignored by 1.x and 2.0).
    pub media: u16,
    /// FILETIME (100 ns since 1601-01-01 UTC) of the 2.3+ trailer.
    pub filetime: u64,
}

impl Record {
    /// An Ethernet (media type 1) record captured whole.
    pub fn ethernet(delta: u64, data: &[u8]) -> Record {
        Record {
            delta,
            orig_len: data.len() as u32,
            data: data.to_vec(),
            media: 1,
            filetime: 0,
        }
    }
}

/// Builds a NetMon file in memory.
#[derive(Debug, Clone)]
pub struct NetMonWriter {
    major: u8,
    minor: u8,
    network: u16,
    start: SystemTime,
    body: Vec<u8>,
    offsets: Vec<u32>,
}

impl NetMonWriter {
    /// A file of version `major.minor` whose header media type is `network`
    /// (1 = Ethernet) and start time `start`.
    pub fn new(major: u8, minor: u8, network: u16, start: SystemTime) -> NetMonWriter {
        NetMonWriter {
            major,
            minor,
            network,
            start,
            body: Vec::new(),
            offsets: Vec::new(),
        }
    }

    /// Appends a record (header, data, trailer as the version wants) and
    /// lists it in the frame table; returns its file offset.
    ///
    /// # Panics
    /// On 1.x when a length does not fit in 16 bits.
    pub fn record(&mut self, r: &Record) -> u32 {
        let at = (HEADER_LEN + self.body.len()) as u32;
        if self.major == 1 {
            self.body.extend_from_slice(&(r.delta as u32).to_le_bytes());
            let orig = u16::try_from(r.orig_len).expect("1.x length fits 16 bits");
            let incl = u16::try_from(r.data.len()).expect("1.x length fits 16 bits");
            self.body.extend_from_slice(&orig.to_le_bytes());
            self.body.extend_from_slice(&incl.to_le_bytes());
        } else {
            self.body.extend_from_slice(&r.delta.to_le_bytes());
            self.body.extend_from_slice(&r.orig_len.to_le_bytes());
            self.body
                .extend_from_slice(&(r.data.len() as u32).to_le_bytes());
        }
        self.body.extend_from_slice(&r.data);
        if self.major == 2 && self.minor >= 1 {
            self.body.extend_from_slice(&r.media.to_le_bytes());
        }
        if self.major == 2 && self.minor >= 2 {
            self.body.extend_from_slice(&0u32.to_le_bytes()); // process info index
        }
        if self.major == 2 && self.minor >= 3 {
            self.body.extend_from_slice(&r.filetime.to_le_bytes());
            self.body.push(0); // time zone index
        }
        self.offsets.push(at);
        at
    }

    /// Appends raw bytes that belong to no record (a hole).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.body.extend_from_slice(bytes);
    }

    /// Replaces the frame table (record offsets, in frame order).
    pub fn set_table(&mut self, offsets: Vec<u32>) {
        self.offsets = offsets;
    }

    /// The whole file: header, records, frame table.
    pub fn finish(&self) -> Vec<u8> {
        let table_at = (HEADER_LEN + self.body.len()) as u32;
        let mut out = Vec::with_capacity(table_at as usize + 4 * self.offsets.len());
        out.extend_from_slice(if self.major == 1 { b"RTSS" } else { b"GMBU" });
        out.push(self.minor);
        out.push(self.major);
        out.extend_from_slice(&self.network.to_le_bytes());
        let s = self.start;
        for v in [
            s.year, s.month, 0, s.day, s.hour, s.minute, s.second, s.millis,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&table_at.to_le_bytes());
        out.extend_from_slice(&(4 * self.offsets.len() as u32).to_le_bytes());
        out.resize(HEADER_LEN, 0);
        out.extend_from_slice(&self.body);
        for o in &self.offsets {
            out.extend_from_slice(&o.to_le_bytes());
        }
        out
    }
}
