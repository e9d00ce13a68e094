//! A fixed-size log-linear latency histogram (constant memory).

use std::fmt;
use std::time::Duration;

/// Values below this are recorded exactly (µs).
const LINEAR: u64 = 1024;
/// Sub-buckets per power of two above [`LINEAR`] (≤ 0.2 % relative error).
const SUB: u64 = 512;
/// Powers of two covered above [`LINEAR`] (up to 2^(10+40) µs).
const OCTAVES: u64 = 40;

/// A fixed-size log-linear latency histogram in microseconds: exact below
/// 1024 µs, ≤ 0.2 % relative error above. Constant memory (≈ 170 KiB).
#[derive(Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            counts: vec![0; (LINEAR + SUB * OCTAVES) as usize],
            total: 0,
            max: 0,
        }
    }
}

impl fmt::Debug for Histogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Histogram")
            .field("total", &self.total)
            .field("max", &self.max)
            .finish()
    }
}

impl Histogram {
    pub(crate) fn bucket(v: u64) -> usize {
        if v < LINEAR {
            return v as usize;
        }
        // v in [2^e, 2^(e+1)), e ≥ 10.
        let e = 63 - u64::from(v.leading_zeros());
        let octave = (e - 10).min(OCTAVES - 1);
        let shift = e - 9; // keeps 10 significant bits: [512, 1024)
        let mantissa = ((v >> shift) - SUB).min(SUB - 1);
        (LINEAR + octave * SUB + mantissa) as usize
    }

    pub(crate) fn lower_bound(b: usize) -> u64 {
        let b = b as u64;
        if b < LINEAR {
            return b;
        }
        let octave = (b - LINEAR) / SUB;
        let mantissa = (b - LINEAR) % SUB + SUB;
        mantissa << (octave + 1)
    }

    /// Record one latency.
    pub fn record(&mut self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let b = Self::bucket(us);
        if let Some(c) = self.counts.get_mut(b) {
            *c += 1;
        }
        self.total += 1;
        self.max = self.max.max(us);
    }

    /// Record `n` values of `us` microseconds (used to rebuild a histogram
    /// from [`Histogram::to_sparse`]).
    pub fn record_us_n(&mut self, us: u64, n: u64) {
        if n == 0 {
            return;
        }
        if let Some(c) = self.counts.get_mut(Self::bucket(us)) {
            *c += n;
        }
        self.total += n;
        self.max = self.max.max(us);
    }

    /// The non-empty buckets as (lower bound in µs, count), in order: a
    /// compact form to carry a histogram between processes. Rebuilding with
    /// [`Histogram::record_us_n`] gives the same quantiles (the largest
    /// value travels separately, see [`Histogram::max`]).
    pub fn to_sparse(&self) -> Vec<(u64, u64)> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(b, c)| (Self::lower_bound(b), *c))
            .collect()
    }

    /// Raise the recorded maximum to `us` (when rebuilding from
    /// [`Histogram::to_sparse`]).
    pub fn raise_max_us(&mut self, us: u64) {
        self.max = self.max.max(us);
    }

    /// Add another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Largest value recorded.
    pub fn max(&self) -> Duration {
        Duration::from_micros(self.max)
    }

    /// The `q`-quantile (0.0..=1.0), to bucket precision; zero when empty.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.total == 0 {
            return Duration::ZERO;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Duration::from_micros(Self::lower_bound(b).min(self.max));
            }
        }
        Duration::from_micros(self.max)
    }
}
