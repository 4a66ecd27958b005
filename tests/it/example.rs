//! The programs in `examples/` run and say what they should.

#[allow(dead_code)]
#[path = "../../examples/semester.rs"]
mod semester;

#[test]
fn semester_example() {
    let text = semester::run().expect("the example data is valid");
    assert_eq!(
        text,
        "forced: I11 (called 31, seniority 0, rank 7390) -> Praticien niveau 1, cabinet Martigues
Urgences, CHU Timone: 3/3 seats, last admitted called 18, rank 5731
Urgences, Hôpital Nord: 2/2 seats, last admitted called 20, rank 1
Urgences, CH Aix: 2/2 seats, last admitted called 17, rank 3981
"
    );
}
