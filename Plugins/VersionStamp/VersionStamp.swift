import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` for the `patron` command: the version from the package's VERSION
/// file and the commit it is built from, "modified" when a tracked file differs from that commit
/// (scripts/version-stamp does the work; a build outside git says so). A build command, not a
/// prebuild one: SwiftPM runs it again whenever one of its inputs changes — VERSION, git's log of
/// HEAD and its index (a commit, a checkout, `git add`) and every source file of the package (an
/// edit) — where a prebuild command runs only when the build is planned anew.
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        let git = root.appending(path: ".git")
        var inputs = [root.appending(path: "VERSION"), root.appending(path: "scripts/version-stamp")]
        inputs += [git.appending(path: "logs/HEAD"), git.appending(path: "index")].filter { FileManager.default.fileExists(atPath: $0.path) }
        for module in context.package.targets.compactMap({ $0 as? SourceModuleTarget }) {
            inputs += module.sourceFiles.map(\.url)
        }
        return [.buildCommand(displayName: "Stamping patron's version and commit",
                              executable: URL(fileURLWithPath: "/bin/sh"),
                              arguments: [root.appending(path: "scripts/version-stamp").path, root.path, context.pluginWorkDirectoryURL.path],
                              inputFiles: inputs, outputFiles: [output])]
    }
}
