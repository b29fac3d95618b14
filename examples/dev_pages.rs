// Development aid: run layout + sheet on pages dumped as JSON (Vec<Page>).
use perfplan::{extract::Page, layout, params::Params, sheet};
fn main() {
    let path = std::env::args().nth(1).expect("pages.json");
    let mode = std::env::args().nth(2).unwrap_or_default();
    let pages: Vec<Page> = if path.ends_with(".pdf") {
        perfplan::extract::extract_all(&std::fs::read(&path).unwrap(), None).unwrap()
    } else {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let p = Params::default();
    let layouts: Vec<_> = pages.iter().map(|pg| layout::analyze(pg, &p)).collect();
    if mode == "lines" {
        for l in &layouts {
            println!("=== page {}", l.number);
            for ln in &l.lines {
                println!("{:6.1} {:6.1} {:6.1} {:6.1} r{:<3} c{:<4} {}{}", ln.bbox.x0, ln.bbox.top, ln.bbox.x1, ln.bbox.bottom, ln.row, ln.cell.map(|c| c as i64).unwrap_or(-1), if ln.bold { "*" } else { " " }, ln.text);
            }
        }
        return;
    }
    let (objs, diags) = sheet::parse(&layouts, &p);
    println!("{}", serde_json::to_string_pretty(&serde_json::json!({"objectives": objs, "diagnostics": diags})).unwrap());
}
