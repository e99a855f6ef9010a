//! Compact string storage for the planner: every string of a plan lives in one buffer and
//! is referenced by an 8-byte [`Str`] (offset, length), so a million accounts cost one
//! allocation instead of four million.

/// A reference into an [`Arena`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Str {
    off: u32,
    len: u32,
}

impl Str {
    /// "No string" (distinct from the empty string).
    pub(crate) const NONE: Str = Str { off: u32::MAX, len: 0 };

    pub(crate) fn is_none(self) -> bool {
        self.off == u32::MAX
    }

    /// The same string after its arena was appended at offset `base` of another
    /// ([`Arena::append`]); [`Str::NONE`] stays itself.
    pub(crate) fn shifted(self, base: u32) -> Str {
        if self.is_none() { self } else { Str { off: self.off + base, len: self.len } }
    }
}

#[derive(Default)]
pub(crate) struct Arena {
    buf: String,
}

impl Arena {
    /// Appends `s`; `None` when the arena would pass 4 GiB (a plan that large is refused).
    pub(crate) fn push(&mut self, s: &str) -> Option<Str> {
        let off = u32::try_from(self.buf.len()).ok()?;
        let len = u32::try_from(s.len()).ok()?;
        off.checked_add(len).filter(|&end| end < u32::MAX)?;
        self.buf.push_str(s);
        Some(Str { off, len })
    }

    /// Appends all of `other`, returning the offset its strings now start at (shift its
    /// [`Str`]s by it); `None` when the arena would pass 4 GiB.
    pub(crate) fn append(&mut self, other: Arena) -> Option<u32> {
        let base = u32::try_from(self.buf.len()).ok()?;
        let end = base.checked_add(u32::try_from(other.buf.len()).ok()?)?;
        if end == u32::MAX {
            return None;
        }
        if self.buf.is_empty() {
            self.buf = other.buf;
        } else {
            self.buf.push_str(&other.buf);
        }
        Some(base)
    }

    /// Appends `s` lower-cased (ASCII only; other bytes unchanged).
    pub(crate) fn push_ascii_lower(&mut self, s: &str) -> Option<Str> {
        let r = self.push(s)?;
        let start = r.off as usize;
        if let Some(tail) = self.buf.get_mut(start..) {
            tail.make_ascii_lowercase();
        }
        Some(r)
    }

    /// The string behind `r` (`""` for [`Str::NONE`]).
    pub(crate) fn get(&self, r: Str) -> &str {
        if r.is_none() {
            return "";
        }
        let start = r.off as usize;
        self.buf.get(start..start + r.len as usize).unwrap_or("")
    }

    pub(crate) fn opt(&self, r: Str) -> Option<&str> {
        if r.is_none() { None } else { Some(self.get(r)) }
    }

    pub(crate) fn bytes(&self) -> usize {
        self.buf.capacity()
    }

    pub(crate) fn shrink(&mut self) {
        self.buf.shrink_to_fit();
    }
}
