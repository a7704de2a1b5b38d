import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` for the `patron` command before every build: the version from the
/// package's VERSION file and the commit it is built from, "modified" when the tree differs from
/// that commit (scripts/version-stamp does the work; a build outside git says so).
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let root = context.package.directoryURL
        return [.prebuildCommand(displayName: "Stamping patron's version and commit",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: [root.appending(path: "scripts/version-stamp").path, root.path, output.path],
                                 outputFilesDirectory: output)]
    }
}
