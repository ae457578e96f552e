//! A fault-injecting TCP proxy on loopback, between the agent and the cloud.
//!
//! Each accepted connection draws one fault from a seeded generator, so a failing run can be
//! replayed. The nastiest fault is [`Fault::CutResponse`]: the request reaches the cloud, which
//! applies the batch, and the connection dies before the agent reads the answer — exactly the
//! case exactly-once delivery exists for. The proxy talks only to the upstream it was given
//! and stops when dropped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What happens to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Relayed untouched.
    Pass,
    /// Closed at once, before anything is relayed.
    Drop,
    /// Relayed after a delay.
    Delay(Duration),
    /// Answered `500` by the proxy; the cloud never sees the request.
    ServerError,
    /// The request is cut after this many bytes; the cloud sees a truncated body.
    CutRequest(usize),
    /// The request is relayed whole, the response cut after this many bytes.
    CutResponse(usize),
}

/// How often each fault happens, in percent of connections (the rest pass).
#[derive(Debug, Clone, Copy)]
pub struct FaultPlan {
    /// Seed of the generator.
    pub seed: u64,
    /// `Drop`.
    pub drop_pct: u64,
    /// `Delay` (up to 200 ms).
    pub delay_pct: u64,
    /// `ServerError`.
    pub error_pct: u64,
    /// `CutRequest`.
    pub cut_request_pct: u64,
    /// `CutResponse`.
    pub cut_response_pct: u64,
}

impl FaultPlan {
    /// Every kind of fault, often.
    pub fn hostile(seed: u64) -> FaultPlan {
        FaultPlan {
            seed,
            drop_pct: 10,
            delay_pct: 10,
            error_pct: 10,
            cut_request_pct: 10,
            cut_response_pct: 15,
        }
    }

    fn draw(&self, n: u64) -> Fault {
        // SplitMix64: tiny, well-distributed, reproducible.
        let mut z = self
            .seed
            .wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let roll = z % 100;
        let extra = (z >> 8) % 1_000;
        let mut edge = self.drop_pct;
        if roll < edge {
            return Fault::Drop;
        }
        edge += self.delay_pct;
        if roll < edge {
            return Fault::Delay(Duration::from_millis(extra % 200));
        }
        edge += self.error_pct;
        if roll < edge {
            return Fault::ServerError;
        }
        edge += self.cut_request_pct;
        if roll < edge {
            return Fault::CutRequest(1 + usize::try_from(extra % 400).unwrap_or(0));
        }
        edge += self.cut_response_pct;
        if roll < edge {
            return Fault::CutResponse(usize::try_from(extra % 60).unwrap_or(0));
        }
        Fault::Pass
    }
}

/// Counts of what the proxy did.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// Connections accepted.
    pub connections: AtomicU64,
    /// Connections that got a fault other than `Pass`/`Delay`.
    pub faulted: AtomicU64,
}

/// A running proxy.
#[derive(Debug)]
pub struct FaultProxy {
    /// Where the agent should connect.
    pub addr: SocketAddr,
    /// What it did.
    pub counts: Arc<FaultCounts>,
    faults_on: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy on 127.0.0.1:0 in front of `upstream`.
    pub async fn start(upstream: SocketAddr, plan: FaultPlan) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let counts = Arc::new(FaultCounts::default());
        let faults_on = Arc::new(AtomicBool::new(true));
        let (c, on) = (Arc::clone(&counts), Arc::clone(&faults_on));
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let n = c.connections.fetch_add(1, Ordering::Relaxed);
                let fault = if on.load(Ordering::Relaxed) {
                    plan.draw(n)
                } else {
                    Fault::Pass
                };
                if !matches!(fault, Fault::Pass | Fault::Delay(_)) {
                    c.faulted.fetch_add(1, Ordering::Relaxed);
                }
                tokio::spawn(handle(client, upstream, fault));
            }
        });
        Ok(FaultProxy {
            addr,
            counts,
            faults_on,
            task,
        })
    }

    /// `http://addr`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Turns the faults off (the network heals) or on again.
    pub fn set_faults(&self, on: bool) {
        self.faults_on.store(on, Ordering::Relaxed);
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(mut client: TcpStream, upstream: SocketAddr, fault: Fault) {
    match fault {
        Fault::Drop => {}
        Fault::ServerError => {
            // Read what the client sends first, as a real overloaded server would.
            let mut buf = [0u8; 1024];
            let _ = tokio::time::timeout(Duration::from_millis(200), client.read(&mut buf)).await;
            let _ = client
                .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        }
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            relay(client, upstream, None, None).await;
        }
        Fault::CutRequest(n) => relay(client, upstream, Some(n), None).await,
        Fault::CutResponse(n) => relay(client, upstream, None, Some(n)).await,
        Fault::Pass => relay(client, upstream, None, None).await,
    }
}

/// Relays both ways; cuts the request after `cut_req` bytes or the response after `cut_resp`.
async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    cut_req: Option<usize>,
    cut_resp: Option<usize>,
) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let up = async {
        let _ = copy_limited(&mut cr, &mut sw, cut_req).await;
        let _ = sw.shutdown().await;
    };
    let down = async {
        let _ = copy_limited(&mut sr, &mut cw, cut_resp).await;
        let _ = cw.shutdown().await;
    };
    // When either direction is cut, the whole connection goes: both halves are dropped here.
    tokio::select! {
        () = up => {}
        () = down => {}
    }
}

async fn copy_limited(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    limit: Option<usize>,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut sent = 0usize;
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let allowed = limit.map_or(n, |l| n.min(l.saturating_sub(sent)));
        to.write_all(&buf[..allowed]).await?;
        sent += allowed;
        if allowed < n || limit.is_some_and(|l| sent >= l) {
            return Ok(());
        }
    }
}
