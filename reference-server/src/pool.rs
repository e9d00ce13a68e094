//! The bounded worker pool the network layer runs CPU-heavy requests on
//! (key-pair generation, private-key operations, large batches, scans; see
//! [`crate::server::Cost`]).
//!
//! At most one heavy request per core runs at a time (a semaphore in front
//! of tokio's blocking pool): the heavy ones queue here instead of
//! oversubscribing the cores, and they never occupy the I/O workers, so
//! light requests keep being served on the I/O tasks meanwhile.

use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Why a pooled job gave no result.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The job panicked or was cancelled.
    #[error("worker task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// The pool's semaphore was closed (never happens: it is static).
    #[error("worker pool closed")]
    Closed,
}

/// Permits: one per available core.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Semaphore::new(n)
    })
}

/// Run `job` on the pool once a slot is free.
pub async fn run_cpu<R, F>(job: F) -> Result<R, PoolError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let _permit = permits().acquire().await.map_err(|_| PoolError::Closed)?;
    Ok(tokio::task::spawn_blocking(job).await?)
}

/// Run `job` where blocking (waiting on disk) is allowed, outside the pool's
/// CPU slots.
pub async fn run_blocking<R, F>(job: F) -> Result<R, PoolError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    Ok(tokio::task::spawn_blocking(job).await?)
}
