// Memory probe: peak RSS after each stage on one PDF (development aid).
fn hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("")
        .to_string()
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    println!("read   {}", hwm());
    let doc = perfplan::extract::open(&bytes, None).unwrap();
    println!("open   {}", hwm());
    let p = perfplan::params::Params::default();
    let mut layouts = Vec::new();
    for n in 1..=doc.page_count() {
        let page = doc.page(n).unwrap();
        layouts.push(perfplan::layout::analyze(&page, &p));
    }
    println!("layout {}", hwm());
    let (objs, _) = perfplan::sheet::parse(&layouts, &p);
    println!("parse  {} ({} objectives)", hwm(), objs.len());
}
