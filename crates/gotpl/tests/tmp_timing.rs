use kforge_gotpl::Value;
use kforge_gotpl::func::FuncEnv;
use kforge_gotpl::funcs::lookup;

fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let f: Vec<&str> = s.rsplit(')').next().unwrap().split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}

#[test]
fn timing() {
    let mut env = FuncEnv::default();
    let call =
        |env: &mut FuncEnv, n: &str, a: Vec<Value>| (lookup(n).unwrap().body)(env, a).unwrap();
    let ca = call(&mut env, "genCA", vec![Value::str("ca"), Value::Int(365)]);
    let (t, c) = (std::time::Instant::now(), cpu());
    for i in 0..300 {
        let ips = Value::list(vec![Value::str("10.0.0.1")]);
        let dns = Value::list(vec![Value::string(format!("svc-{i}.example"))]);
        call(
            &mut env,
            "genSignedCert",
            vec![Value::str("x"), ips, dns, Value::Int(365), ca.clone()],
        );
    }
    println!(
        "300 genSignedCert: wall {:?} cpu {:.2}s",
        t.elapsed(),
        cpu() - c
    );
    let (t, c) = (std::time::Instant::now(), cpu());
    call(
        &mut env,
        "derivePassword",
        vec![
            Value::Int(1),
            Value::str("long"),
            Value::str("pw"),
            Value::str("u"),
            Value::str("s"),
        ],
    );
    println!(
        "derivePassword: wall {:?} cpu {:.2}s",
        t.elapsed(),
        cpu() - c
    );
    let (t, c) = (std::time::Instant::now(), cpu());
    for _ in 0..10 {
        call(&mut env, "htpasswd", vec![Value::str("u"), Value::str("p")]);
    }
    println!("10 htpasswd: wall {:?} cpu {:.2}s", t.elapsed(), cpu() - c);
}
