import Foundation
import PatronDriver
import Testing

/// What the packages carry besides the binary, checked on every test run: the version and commit,
/// the manual page's language sections (made from the same topics as `help`), the completions,
/// and the README's install commands naming this version. Building and installing the packages
/// on clean roots is scripts/check-package's (docs/packaging.md).
struct PackagingTests {
    static func git(_ arguments: [String]) throws -> String {
        try TestSupport.run("/usr/bin/env", ["git", "-C", TestSupport.packageRoot.path] + arguments).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var version: String {
        ((try? String(contentsOf: TestSupport.packageRoot.appendingPathComponent("VERSION"), encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `patron --version` names VERSION and the commit the build came from, and says "modified"
    /// exactly when a tracked file differs from it (the build ran just before the tests).
    @Test func theVersionNamesTheCommitAndAChangedTree() throws {
        let head = try Self.git(["rev-parse", "--short=12", "HEAD"])
        // Tracked files only: the tests themselves may leave untracked files behind.
        let changed = try !Self.git(["status", "--porcelain", "--untracked-files=no"]).isEmpty
        let run = try TestSupport.patron(["--version"])
        #expect(!Self.version.isEmpty && head.count == 12)
        #expect(run.stdout == "patron \(Self.version) (commit \(head)\(changed ? ", modified" : ""))\n", "\(run.stdout)")
    }

    /// The manual's STATEMENTS, CONCEPTS and FUNCTIONS sections hold every topic of `help` with its
    /// form, summary, every line of its details and its example, and roff reads them without a warning.
    @Test func theManualHoldsEveryHelpTopicAsHelpShowsIt() throws {
        let run = try TestSupport.patron(["manual-sections"])
        #expect(run.status == 0)
        let page = run.stdout
        for section in ["STATEMENTS", "CONCEPTS", "FUNCTIONS", "ENVIRONMENT", "FILES"] {
            #expect(page.contains(".Sh \(section)\n"), "no \(section) section")
        }
        for topic in Help.topics {
            #expect(page.contains(".Ss \(Help.quoted(topic.usage))\n"), "no entry for \(topic.name)")
            #expect(page.contains(Help.escaped(Help.sentence(topic.summary))), "no summary for \(topic.name)")
            for line in topic.details.split(separator: "\n") {
                #expect(page.contains(Help.escaped(String(line)) + "\n"), "\(topic.name): a line of its details is missing: \(line)")
            }
            if !topic.example.isEmpty { #expect(page.contains(".Dl \(Help.quoted(topic.example))\n"), "no example for \(topic.name)") }
        }
        // roff (groff, which man uses) reads the page without a warning; the text is ASCII.
        let header = ".Dd December 7, 2026\n.Dt PATRON 1\n.Os\n.Sh NAME\n.Nm patron\n.Nd customer segmentation\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("patron-manual-\(UUID().uuidString).1")
        defer { try? FileManager.default.removeItem(at: file) }
        try (header + page).write(to: file, atomically: true, encoding: .utf8)
        #expect(page.unicodeScalars.allSatisfy { $0.isASCII })
        let roff = try TestSupport.run("/usr/bin/env", ["groff", "-mandoc", "-Tutf8", "-ww", "-z", file.path])
        #expect(roff.status == 0 && roff.stderr.isEmpty, "groff: \(roff.stderr)")
        let shown = try TestSupport.run("/usr/bin/env", ["groff", "-mandoc", "-Tutf8", "-P-cbou", file.path])
        #expect(shown.stdout.contains("segment where CONDITION") && shown.stdout.contains("coalesce(X, Y, …)"), "\(shown.stdout.prefix(400))")
    }

    /// The completions swift-argument-parser writes know the subcommands and the options.
    @Test func completionsKnowTheSubcommandsAndOptions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let run = try TestSupport.patron(["--generate-completion-script", shell])
            #expect(run.status == 0)
            for word in ["run", "compile", "format", "param", "keep-going", "dialect"] {
                // bash and zsh spell an option --format, fish -l 'format'.
                #expect(run.stdout.contains(shell == "fish" || !["format", "param", "keep-going", "dialect"].contains(word) ? word : "--" + word),
                        "\(shell) completion lacks \(word)")
            }
            #expect(!run.stdout.contains("manual-sections"), "\(shell) completion offers the hidden subcommand")
        }
    }

    /// The README's install commands and the changelog name the version the packages carry.
    @Test func theReadmeAndTheChangelogNameThisVersion() throws {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let changelog = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        #expect(readme.hasPrefix("# patron") && readme.contains("\n## Install\n"))
        #expect(readme.contains("patron_\(Self.version)_amd64.deb") && readme.contains("patron-\(Self.version)-linux-x86_64.tar.gz"))
        #expect(changelog.contains("\n## \(Self.version) — "), "CHANGELOG.md has no entry for \(Self.version)")
    }
}
