//! Times the Sprig crypto functions charts call at render time (`htpasswd`, `genCA`,
//! `genSignedCert`, `genSelfSignedCert`, `genPrivateKey`), each called `N` times (default 20)
//! through the function table as a render calls it, and prints the mean time per call:
//!
//! `cargo run --release -p kforge-gotpl --example crypto_bench -- [N] [FUNC...]`
//!
//! Times are the thread's CPU time (from `/proc/thread-self/schedstat`, wall time elsewhere),
//! which a busy machine inflates far less than wall time.

use std::time::Instant;

use kforge_gotpl::Value;
use kforge_gotpl::crypto::FUNCS;
use kforge_gotpl::func::FuncEnv;

fn call(env: &mut FuncEnv, name: &str, args: Vec<Value>) -> Value {
    let Some(f) = FUNCS.iter().find(|f| f.name == name) else {
        panic!("no function {name}");
    };
    match (f.body)(env, args) {
        Ok(v) => v,
        Err(e) => panic!("{name}: {e}"),
    }
}

/// The thread's CPU time in seconds (wall time where the kernel does not say).
fn cpu_now(t0: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(|| t0.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() {
    let start = Instant::now();
    let mut args = std::env::args().skip(1).peekable();
    let n: usize = match args.peek().and_then(|a| a.parse().ok()) {
        Some(n) => {
            args.next();
            n
        }
        None => 20,
    };
    let mut names: Vec<String> = args.collect();
    if names.is_empty() {
        names = [
            "htpasswd",
            "genCA",
            "genSignedCert",
            "genSelfSignedCert",
            "genPrivateKey",
        ]
        .map(String::from)
        .to_vec();
    }
    let mut env = FuncEnv::default();
    let ca = call(&mut env, "genCA", vec![Value::str("ca"), Value::Int(365)]);
    let hosts = || {
        Value::list(vec![
            Value::str("a.example.com"),
            Value::str("b.example.com"),
        ])
    };
    for name in &names {
        let t0 = cpu_now(start);
        let mut bytes = 0usize;
        for _ in 0..n {
            let args = match name.as_str() {
                "htpasswd" => vec![Value::str("user"), Value::str("password")],
                "genCA" => vec![Value::str("ca"), Value::Int(365)],
                "genPrivateKey" => vec![Value::str("rsa")],
                "genSelfSignedCert" => {
                    vec![
                        Value::str("cn"),
                        Value::list(vec![]),
                        hosts(),
                        Value::Int(365),
                    ]
                }
                "genSignedCert" => vec![
                    Value::str("cn"),
                    Value::list(vec![]),
                    hosts(),
                    Value::Int(365),
                    ca.clone(),
                ],
                other => panic!("no arguments for {other}"),
            };
            let v = call(&mut env, name, args);
            bytes += format!("{v:?}").len();
        }
        let per = (cpu_now(start) - t0) / n as f64;
        println!(
            "{name:<18} {:>9.3} ms/call  ({n} calls, {bytes} bytes)",
            per * 1e3
        );
    }
}
