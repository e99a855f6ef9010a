//! Progress for long work (reading sites, applying a plan): indicatif bars on stderr with
//! rows/s and ETA when stderr is a terminal, and always one plain summary line per finished
//! step ("acmlm: 333,334 rows read in 0.52 s, 641,000 rows/s"), so logs and pipes get the
//! numbers too.

use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The bars of one command. Hidden when stderr is not a terminal (indicatif's rule) or when
/// `quiet` is asked; the summary lines of [`Progress::note`] are printed either way unless
/// `quiet`.
#[derive(Debug, Clone)]
pub struct Progress {
    multi: MultiProgress,
    quiet: bool,
}

impl Progress {
    /// Bars on stderr, redrawn at most 10 times a second; `quiet` hides bars and notes.
    pub fn new(quiet: bool) -> Self {
        let target =
            if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr_with_hz(10) };
        Progress { multi: MultiProgress::with_draw_target(target), quiet }
    }

    /// A bar counting rows. `len` is the expected total (an estimate is fine: the bar grows
    /// when the count passes it); `None` shows a spinner-like counter.
    pub fn rows(&self, label: &str, len: Option<u64>) -> ProgressBar {
        let bar = match len {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::no_length(),
        };
        let template = if len.is_some() {
            "{prefix:>10} [{wide_bar}] {human_pos}/{human_len} rows  {rate}  ETA {eta}"
        } else {
            "{prefix:>10} {human_pos} rows  {rate}  {elapsed}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{} rows/s", group(state.per_sec().max(0.0) as u64));
            })
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(label.to_owned());
        self.multi.add(bar)
    }

    /// Advances `bar` to `pos`, growing its length when an estimate was too small.
    pub fn set(bar: &ProgressBar, pos: u64) {
        if bar.length().is_some_and(|len| pos > len) {
            bar.set_length(pos);
        }
        bar.set_position(pos);
    }

    /// A line on stderr, above the bars (unless quiet).
    pub fn note(&self, line: impl AsRef<str>) {
        if self.quiet {
            return;
        }
        if self.multi.is_hidden() {
            eprintln!("{}", line.as_ref());
        } else {
            let _ = self.multi.println(line.as_ref());
        }
    }
}

/// `1234567` → `"1,234,567"`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"333,334 rows in 0.52 s, 641,000 rows/s"`.
pub fn rate_line(rows: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let per_sec = if secs > 0.0 { (rows as f64 / secs) as u64 } else { 0 };
    format!("{} rows in {secs:.2} s, {} rows/s", group(rows), group(per_sec))
}

/// A stopwatch for [`rate_line`].
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    /// Starts now.
    pub fn start() -> Self {
        Stopwatch(Instant::now())
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(rate_line(1000, Duration::from_millis(500)), "1,000 rows in 0.50 s, 2,000 rows/s");
        assert_eq!(rate_line(5, Duration::ZERO), "5 rows in 0.00 s, 0 rows/s");
    }
}
