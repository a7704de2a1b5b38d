import Foundation
import PatronSyntax
import Testing

/// Lexer and parser details that script tests cannot reach.
struct LexerTests {
    func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(Source(name: "t", text: text)).tokens.map(\.kind)
    }

    @Test func tokensCarryTheirSpans() {
        let (tokens, diagnostics) = Lexer.tokenize(Source(name: "t", text: "segment where 利润 >= 12.50"))
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["segment", "where", "利润", ">=", "12.50", ""])
        #expect(tokens[2].span == SourceSpan(14, 20), "spans are UTF-8 byte offsets")
        #expect(tokens[3].span == SourceSpan(21, 23))
    }

    @Test func literals() {
        #expect(kinds("2024-12-31 42 4.5 \"a\" 'b' `Annual Revenue` $cutoff") ==
                [.date, .number, .number, .string, .string, .quotedIdentifier, .variable, .endOfInput])
        let (tokens, _) = Lexer.tokenize(Source(name: "t", text: #""say \"hi\"\n""#))
        #expect(tokens[0].text == "say \"hi\"\n")
    }

    @Test func operatorsIncludingAliases() {
        let texts = Lexer.tokenize(Source(name: "t", text: "= == != <> < <= > >= ( ) , + - * / %")).tokens.map(\.text)
        #expect(texts == ["=", "=", "!=", "!=", "<", "<=", ">", ">=", "(", ")", ",", "+", "-", "*", "/", "%", ""])
    }

    @Test func newlinesEndStatementsUnlessALineIsLeftOpen() {
        #expect(kinds("count\ncount") == [.word, .newline, .word, .endOfInput])
        #expect(kinds("a and\nb") == [.word, .word, .word, .endOfInput])
        #expect(kinds("(a\n)") == [.symbol, .word, .symbol, .endOfInput])
        #expect(kinds("segment where\nx") == [.word, .word, .word, .endOfInput])
        #expect(kinds("count # a comment\n\n\ncount") == [.word, .newline, .word, .endOfInput])
        #expect(kinds("count\r\ncount;count") == [.word, .newline, .word, .semicolon, .word, .endOfInput])
    }

    @Test func badCharactersAndUnterminatedStringsAreDiagnosed() {
        let (_, a) = Lexer.tokenize(Source(name: "t", text: "segment where a ≥ 1"))
        #expect(a.map(\.message) == ["unexpected character '≥'"])
        let (_, b) = Lexer.tokenize(Source(name: "t", text: "x = \"open"))
        #expect(b.first?.message == "unterminated string")
        #expect(b.first?.span == SourceSpan(4, 5))
        let (_, c) = Lexer.tokenize(Source(name: "t", text: "x = \u{7}"))
        #expect(c.first?.message == "unexpected control character 0x7")
    }
}

struct ParserTests {
    func parse(_ text: String) -> ParseResult {
        Parser.parse(Source(name: "t", text: text))
    }

    @Test func andOrAreFlattenedAndBindAsUsual() throws {
        let result = parse("segment where a=1 and b=2 and c=3 or not d=4")
        #expect(result.diagnostics.isEmpty)
        guard case .segment(let condition) = try #require(result.statements.first).kind,
              case .or(let terms, _) = condition else { Issue.record("expected an or"); return }
        #expect(terms.count == 2)
        guard case .and(let conjuncts, _) = terms[0] else { Issue.record("expected an and"); return }
        #expect(conjuncts.count == 3, "a and b and c is one n-ary node")
        guard case .not = terms[1] else { Issue.record("expected a not"); return }
    }

    @Test func keywordsAreCaseInsensitiveNamesAreNot() throws {
        let result = parse("SEGMENT Where Profit = HIGH AND r = 1")
        #expect(result.diagnostics.isEmpty)
        guard case .segment(.and(let terms, _)) = try #require(result.statements.first).kind,
              case .comparison(.name(let left), _, .name(let right), _) = terms[0] else { Issue.record("unexpected tree"); return }
        #expect(left.text == "Profit")
        #expect(right.text == "HIGH")
    }

    @Test func oneErrorPerBadStatementThenResynchronise() {
        let result = parse("segmnt where x\ncount\nshow top x by y\ncount")
        #expect(result.diagnostics.map(\.message) == ["unknown statement 'segmnt'", "expected a whole number of rows after 'top', found 'x'"])
        #expect(result.statements.count == 2)
    }

    @Test func incompleteInputIsToldApartFromErrors() {
        #expect(!Parser.isComplete(Source(name: "t", text: "segment where")))
        #expect(!Parser.isComplete(Source(name: "t", text: "segment where (a = 1")))
        #expect(!Parser.isComplete(Source(name: "t", text: "segment where a = 1 and")))
        #expect(Parser.isComplete(Source(name: "t", text: "segment where a = 1")))
        #expect(Parser.isComplete(Source(name: "t", text: "segmnt where")), "a syntax error is complete: it is reported, not continued")
        #expect(Parser.isComplete(Source(name: "t", text: "segment where a = 1)")))
        #expect(Parser.isComplete(Source(name: "t", text: "")))
    }

    /// Runs `body` on a thread with an 8 MiB stack (the main thread's, where statements are parsed): room for
    /// the deepest nesting allowed even in a debug build under the thread sanitizer, whose frames are larger.
    func onMainSizedStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 8 * 1024 * 1024
        thread.start()
        done.wait()
    }

    @Test func nestingLimitOnBothSides() {
        let limit = Parser.nestingLimit
        onMainSizedStack {
            let inside = Parser.parse(Source(name: "t", text: "segment where " + String(repeating: "(", count: limit) + "a=1" + String(repeating: ")", count: limit)))
            #expect(inside.diagnostics.isEmpty)
            let beyond = Parser.parse(Source(name: "t", text: "segment where " + String(repeating: "(", count: limit + 1) + "a=1" + String(repeating: ")", count: limit + 1)))
            #expect(beyond.diagnostics.map(\.message) == ["expressions nest more than \(limit) deep"])
            let nots = Parser.parse(Source(name: "t", text: "segment where " + String(repeating: "not ", count: limit + 1) + "a=1"))
            #expect(nots.diagnostics.first?.message == "expressions nest more than \(limit) deep")
            let chain = Parser.parse(Source(name: "t", text: "segment where " + Array(repeating: "a", count: limit + 2).joined(separator: " + ") + " > 0"))
            #expect(chain.diagnostics.first?.message == "expressions nest more than \(limit) deep", "a long chain of operators is deep too")
            let deep = Parser.parse(Source(name: "t", text: "segment where " + String(repeating: "(", count: 100_000)))
            #expect(deep.diagnostics.count == 1, "deep input is an error, not a stack overflow")
            // Lists inside lists once recursed without counting (50,000 deep: a stack overflow).
            let lists = Parser.parse(Source(name: "t", text: "segment where " + String(repeating: "a in (", count: 50_000) + "1" + String(repeating: ")", count: 50_000)))
            #expect(lists.diagnostics.map(\.message) == ["expressions nest more than \(limit) deep"])
            // So did `sql sql sql …` (100,000 times).
            let sqls = Parser.parse(Source(name: "t", text: String(repeating: "sql ", count: 100_000) + "count demo"))
            #expect(sqls.diagnostics.map(\.message) == ["'sql' compiles one statement, not another 'sql'"])
        }
    }

    @Test func aOneMegabyteStatementParses() {
        // Flat and n-ary, so it parses in one pass without deep recursion.
        let text = "segment where " + Array(repeating: "amount = 1", count: 70_000).joined(separator: " and ")
        #expect(text.utf8.count > 1_000_000)
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        guard case .segment(.and(let terms, _)) = result.statements.first?.kind else { Issue.record("expected an and"); return }
        #expect(terms.count == 70_000)
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "segmnt", in: Parser.statementWords) == "segment")
        #expect(Suggestion.closest(to: "Profit", in: ["profit", "loyalty"]) == "profit")
        #expect(Suggestion.closest(to: "xyz", in: ["profit", "loyalty"]) == nil)
        #expect(Suggestion.editDistance(Array("ab"), Array("ba")) == 1, "a transposition is one edit")
    }
}

/// Passwords in connection strings are hidden wherever statements are shown or kept.
struct SecretsTests {
    /// Issue 26, item 3: the misses of the review, as the statement is written (with patron's
    /// escapes) and as libpq reads it.
    @Test func everySecretOfAConnectionStringIsHidden() {
        let written = [
            #"connect w to postgres "host=db password='p\\'w \"d@:x\\\\ySECRET' dbname=shop""#,
            #"connect w to postgres "host=db password=ab\"cdSECRET dbname=shop""#,
            #"connect w to postgres "postgresql://me:pa@ssSECRET@127.0.0.1:5432/shop""#,
            #"connect w to postgres "postgresql://me:pa?ssSECRET@127.0.0.1/shop""#,
            #"connect w to postgres "host=db sslpassword=keySECRET sslkey=/k""#,
            #"connect w to postgres "postgresql://me:%zzSECRET@db/shop""#,
        ]
        for text in written {
            #expect(!Secrets.masked(text).contains("SECRET"), "\(Secrets.masked(text))")
            #expect(Secrets.masked(text, keepingLength: true).count == text.count)
            #expect(Secrets.masked(text).hasPrefix("connect w to postgres \""))
        }
        // As libpq reads them, and what libpq then says.
        #expect(Secrets.values(in: #"host=db password='p\'w "d@:x\\ySECRET'"#) == [#"p'w "d@:x\ySECRET"#])
        #expect(Secrets.values(in: "postgresql://me:pa@ssSECRET@127.0.0.1/shop") == ["pa@ssSECRET"])
        let said = #"could not translate host name "ssSECRET@127.0.0.1" to address: Name or service not known"#
        #expect(!Secrets.scrubbed(said, secrets: ["pa@ssSECRET"]).contains("SECRET"))
        #expect(!Secrets.scrubbed(#"invalid percent-encoded token: "%zzSECRET""#, secrets: Secrets.values(in: "postgresql://me:%zzSECRET@db/shop")).contains("SECRET"))
    }

    @Test func everyFormOfPasswordIsMasked() {
        #expect(Secrets.masked(#"connect w to postgres "host=db password=s3cret dbname=shop""#) == #"connect w to postgres "host=db password=*** dbname=shop""#)
        #expect(Secrets.masked(#"connect w to postgres "password = 'a b\' c' host=db""#) == #"connect w to postgres "password = *** host=db""#)
        #expect(Secrets.masked(#"connect w to postgres "postgresql://me:s3cret@db:5432/shop""#) == #"connect w to postgres "postgresql://me:***@db:5432/shop""#)
        #expect(Secrets.masked(#"connect w to postgres "postgres://db/shop?user=me&password=s3cret&sslmode=require""#) == #"connect w to postgres "postgres://db/shop?user=me&password=***&sslmode=require""#)
        #expect(Secrets.masked("PASSWORD=x1 and mypassword=keep") == "PASSWORD=*** and mypassword=keep")
        // Keeping the length, so a caret under a later column stays right.
        #expect(Secrets.masked("password=abc host=x", keepingLength: true) == "password=*** host=x")
        #expect(Secrets.masked("password=abcdef", keepingLength: true) == "password=******")
        // Nothing to hide: unchanged.
        #expect(Secrets.masked("segment where profit = high") == "segment where profit = high")
        #expect(Secrets.masked("postgresql://me@db/shop") == "postgresql://me@db/shop")
    }
}
