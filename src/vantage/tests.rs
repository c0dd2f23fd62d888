use super::*;

#[test]
fn names_are_stems_made_unique_or_given() {
    let paths = [
        PathBuf::from("a/client.pcapng.gz"),
        PathBuf::from("b/client.pcap"),
        PathBuf::from("edge.pcap"),
        PathBuf::from("-"),
        PathBuf::from(".hidden"),
    ];
    let given = [(PathBuf::from("edge.pcap"), "edge-ext".to_string())];
    let got: Vec<String> = names(&paths, &given)
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    assert_eq!(got, ["client", "client-2", "edge-ext", "stdin", ".hidden"]);
}

#[test]
fn name_and_flag_checks() {
    assert_eq!(
        parse_name("x/y.pcap=edge-int"),
        Ok((PathBuf::from("x/y.pcap"), "edge-int".to_string()))
    );
    assert!(parse_name("y.pcap").is_err());
    assert!(parse_name("y.pcap=").is_err());
    assert!(
        parse_name("y.pcap=a#b").is_err(),
        "# separates name and frame"
    );
    let caps = [PathBuf::from("a.pcap"), PathBuf::from("b.pcap")];
    let logs = [PathBuf::from("c.log")];
    assert!(check_flags(&caps, &logs, &[], &[(PathBuf::from("b.pcap"), 1)]).is_ok());
    assert!(check_flags(&caps, &logs, &[], &[(PathBuf::from("c.log"), 1)]).is_ok());
    assert!(check_flags(&caps, &logs, &[], &[(PathBuf::from("a.pcap"), 1)]).is_err());
    assert!(check_flags(&caps, &logs, &[], &[(PathBuf::from("z.pcap"), 1)]).is_err());
    assert!(check_flags(&caps, &logs, &[(PathBuf::from("c.log"), "x".into())], &[]).is_err());
}
