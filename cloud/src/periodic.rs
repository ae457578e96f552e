//! The service's background loops (the process runner's tick, delivery polling) share one
//! shape: work every so often until shutdown. A missed tick is delayed, never bunched, so a
//! slow round cannot make the next ones run back to back.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

/// Runs `round` every `every` (the first at once) until `stop` turns true; a round in progress
/// finishes before the loop ends.
pub async fn every<F, Fut>(every: Duration, mut stop: watch::Receiver<bool>, mut round: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        round().await;
    }
}

/// Runs `round` again and again, each time after the pause the previous round asked for,
/// until `stop` turns true; a round in progress finishes before the loop ends. For work that
/// knows best when to come back (a register's daily limit, a technical break).
pub async fn paced<F, Fut>(mut stop: watch::Receiver<bool>, mut round: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Duration>,
{
    loop {
        if *stop.borrow() {
            return;
        }
        let pause = round().await;
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            _ = stop.changed() => return,
        }
    }
}
