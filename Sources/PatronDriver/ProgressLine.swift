import Foundation
import PatronRender
import PatronStore

/// Draws a load's progress on standard error once it has run for a second (or
/// `PATRON_PROGRESS_AFTER` seconds), until finished.
final class ProgressLine: @unchecked Sendable {
    private static let delay = ProcessInfo.processInfo.environment["PATRON_PROGRESS_AFTER"].flatMap(Double.init) ?? 1
    private let control: LoadControl
    private let started = ContinuousClock.now
    private let lock = NSLock()
    private var done = false
    private var drawn = false

    private let language: Language

    init(control: LoadControl, language: Language = .en) {
        self.control = control
        self.language = language
        Thread { [self] in loop() }.start()
    }

    private func loop() {
        while true {
            lock.lock()
            if done {
                lock.unlock()
                return
            }
            let seconds = (ContinuousClock.now - started).seconds
            if seconds >= Self.delay {
                let line = ProgressBar.render(done: control.bytesRead, total: control.total.load(ordering: .relaxed), records: control.recordsRead, seconds: seconds, language: language)
                Console.write("\r" + line + "\u{1B}[K", to: 2)
                drawn = true
            }
            lock.unlock()
            usleep(100_000)
        }
    }

    /// Stops drawing and clears the line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        done = true
        if drawn { Console.write("\r\u{1B}[K", to: 2) }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
