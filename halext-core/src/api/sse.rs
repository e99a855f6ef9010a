//! Server-sent events as Halext's chat stream sends them (reference §5.2): each chunk is an
//! event `data: <raw text>` followed by a blank line, and the stream ends with `data: [DONE]`.
//!
//! The chunk is raw text, not JSON, so a chunk holding a newline breaks SSE framing: the text
//! after the newline arrives as a line with no field name. Per the SSE specification such a
//! line is ignored; this parser instead keeps it as a continuation of the data (joined with
//! `\n`), which restores the text the server meant to send. Exactly one space after `data:`
//! is removed (the specification's rule), so the mock's trailing spaces survive.

/// One parsed event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SseEvent {
    /// A text chunk.
    Data(String),
    /// `data: [DONE]`.
    Done,
}

/// An incremental parser: push bytes, pull complete events.
#[derive(Default)]
pub(crate) struct SseParser {
    buf: Vec<u8>,
    /// Bytes of `buf` already searched for an event boundary.
    scanned: usize,
}

impl SseParser {
    /// Adds received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete event, if one has arrived. Events without data are skipped.
    pub fn next_event(&mut self) -> Option<SseEvent> {
        loop {
            let (end, next) = self.boundary()?;
            let block: Vec<u8> = self.buf[..end].to_vec();
            self.buf.drain(..next);
            self.scanned = 0;
            if let Some(ev) = parse_block(&block) {
                return Some(ev);
            }
        }
    }

    /// At end of stream: the last event if it lacked its blank line.
    pub fn finish(&mut self) -> Option<SseEvent> {
        let block = std::mem::take(&mut self.buf);
        self.scanned = 0;
        parse_block(&block)
    }

    /// Finds the first blank line: returns (end of the event block, start of what follows).
    fn boundary(&mut self) -> Option<(usize, usize)> {
        let buf = &self.buf;
        let mut i = self.scanned;
        while i < buf.len() {
            if buf[i] == b'\n' {
                // The line that ends here is empty when it starts right after a previous '\n'.
                if i >= 1 && buf[i - 1] == b'\n' {
                    return Some((i - 1, i + 1));
                }
                if i >= 2 && buf[i - 1] == b'\r' && buf[i - 2] == b'\n' {
                    return Some((i - 2, i + 1));
                }
            }
            i += 1;
        }
        self.scanned = buf.len();
        None
    }
}

/// Parses one event block (lines without the final blank line).
fn parse_block(block: &[u8]) -> Option<SseEvent> {
    let text = String::from_utf8_lossy(block);
    let mut data: Option<String> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => append(&mut data, value),
            "" if line.starts_with(':') => {}
            "event" | "id" | "retry" => {}
            _ => {
                // A raw newline inside a chunk: keep the whole line as more data.
                if data.is_some() {
                    append(&mut data, line);
                }
            }
        }
    }
    match data {
        Some(d) if d == "[DONE]" => Some(SseEvent::Done),
        Some(d) => Some(SseEvent::Data(d)),
        None => None,
    }
}

fn append(data: &mut Option<String>, value: &str) {
    match data {
        Some(d) => {
            d.push('\n');
            d.push_str(value);
        }
        None => *data = Some(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        for c in chunks {
            p.push(c);
            while let Some(e) = p.next_event() {
                out.push(e);
            }
        }
        out.extend(p.finish());
        out
    }

    fn data(s: &str) -> SseEvent {
        SseEvent::Data(s.to_owned())
    }

    #[test]
    fn keeps_trailing_spaces_and_stops_at_done() {
        assert_eq!(
            all(&[b"data: I \n\ndata: am \n\ndata: [DONE]\n\n"]),
            vec![data("I "), data("am "), SseEvent::Done]
        );
    }

    #[test]
    fn events_split_anywhere_across_chunks() {
        let stream = b"data: Hello \n\ndata: w\xc3\xb6rld \r\n\r\n: comment\n\ndata: [DONE]\n\n";
        for cut in 0..stream.len() {
            let (a, b) = stream.split_at(cut);
            assert_eq!(
                all(&[a, b]),
                vec![data("Hello "), data("w\u{f6}rld "), SseEvent::Done],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_raw_newline_inside_a_chunk_is_kept() {
        assert_eq!(all(&[b"data: line one\nline two \n\n"]), vec![data("line one\nline two ")]);
        assert_eq!(all(&[b"data: a\ndata: b\n\n"]), vec![data("a\nb")]);
        assert_eq!(all(&[b"data:no space\n\n"]), vec![data("no space")]);
        assert_eq!(all(&[b"event: x\nid: 1\n\n"]), vec![]);
        assert_eq!(all(&[b"data: unterminated"]), vec![data("unterminated")]);
    }
}
