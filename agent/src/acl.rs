//! Who may read the agent's secrets on Windows, where file modes do not say it: the file's
//! access list read with PowerShell's `Get-Acl` (the grants as SIDs, so a Polish Windows' group
//! names do not matter), and the list the set-up gives the files with `icacls` — SYSTEM (the
//! service's account) and the Administrators alone. Windows' own tools rather than FFI: the
//! workspace forbids `unsafe`.
//!
//! What can be decided without Windows is here and unit-tested on Linux; the two calls that
//! run the tools are `cfg(windows)`, compiled and linted for Windows by `make lint` but not yet
//! run there.

use std::ffi::OsString;
use std::path::Path;

/// The well-known groups that mean "every user of this machine", by SID.
pub const EVERYONE: [(&str, &str); 3] = [
    ("S-1-1-0", "Everyone"),
    ("S-1-5-11", "Authenticated Users"),
    ("S-1-5-32-545", "Users"),
];

/// PowerShell that prints, one per line, the SIDs an access list lets read the file named by
/// `$env:INKASO_ACL_PATH` (allow rules with ReadData; deny rules are rare on such files and
/// would only make the answer stricter than it is).
pub const READERS_SCRIPT: &str = "$ErrorActionPreference = 'Stop'; \
    (Get-Acl -LiteralPath $env:INKASO_ACL_PATH).Access | \
    Where-Object { $_.AccessControlType -eq 'Allow' -and \
        (($_.FileSystemRights -band [System.Security.AccessControl.FileSystemRights]::ReadData) -ne 0) } | \
    ForEach-Object { try { $_.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]).Value } catch { } }";

/// Which of the [`EVERYONE`] groups the printed readers include, by name; `None` when none.
pub fn everyone_among(readers: &str) -> Option<&'static str> {
    readers.lines().map(str::trim).find_map(|sid| {
        EVERYONE
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(sid))
            .map(|(_, name)| *name)
    })
}

/// `icacls` arguments that leave `path` to SYSTEM and the Administrators alone: inherited
/// entries removed, both granted full control (SIDs with `*`: the same on every language).
pub fn private_icacls_args(path: &Path) -> Vec<OsString> {
    let mut args = vec![path.as_os_str().to_owned()];
    args.extend(
        [
            "/inheritance:r",
            "/grant:r",
            "*S-1-5-18:(F)",
            "*S-1-5-32-544:(F)",
        ]
        .iter()
        .map(OsString::from),
    );
    args
}

/// Which of the [`EVERYONE`] groups may read `path`, if any; an error when it cannot be told
/// (PowerShell missing or refusing), which the caller logs rather than refuses on.
#[cfg(windows)]
pub fn readable_by_everyone(path: &Path) -> Result<Option<&'static str>, String> {
    let out = std::process::Command::new("powershell.exe")
        .args(["-NoProfile", "-NonInteractive", "-Command", READERS_SCRIPT])
        .env("INKASO_ACL_PATH", path)
        .output()
        .map_err(|e| format!("powershell: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    Ok(everyone_among(&String::from_utf8_lossy(&out.stdout)))
}

/// Leaves `path` to SYSTEM and the Administrators alone ([`private_icacls_args`]).
#[cfg(windows)]
pub fn make_private(path: &Path) -> Result<(), String> {
    let out = std::process::Command::new("icacls")
        .args(private_icacls_args(path))
        .output()
        .map_err(|e| format!("icacls: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broad_groups_are_found_among_the_readers_by_sid() {
        // What Get-Acl prints for a file in C:\ProgramData that inherited its folder's list.
        let inherited = "S-1-5-18\r\nS-1-5-32-544\r\nS-1-5-32-545\r\n";
        assert_eq!(everyone_among(inherited), Some("Users"));
        assert_eq!(everyone_among("S-1-5-18\nS-1-1-0\n"), Some("Everyone"));
        assert_eq!(everyone_among("s-1-5-11"), Some("Authenticated Users"));
        // After the set-up's icacls: SYSTEM and the Administrators only.
        assert_eq!(everyone_among("S-1-5-18\r\nS-1-5-32-544\r\n"), None);
        // A user of the domain (S-1-5-21-…-545 ends like Users but is not it).
        assert_eq!(everyone_among("S-1-5-21-1-2-3-545\n"), None);
        assert_eq!(everyone_among(""), None);
    }

    #[test]
    fn icacls_gets_the_file_first_then_system_and_the_administrators() {
        let args = private_icacls_args(Path::new(r"C:\ProgramData\Inkaso\agent.toml"));
        let args: Vec<_> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                r"C:\ProgramData\Inkaso\agent.toml",
                "/inheritance:r",
                "/grant:r",
                "*S-1-5-18:(F)",
                "*S-1-5-32-544:(F)"
            ]
        );
    }
}
