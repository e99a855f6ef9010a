<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/**
 * The JSON ⇄ PHP conversions every binding returns claims and API responses through,
 * exercised via the debug hooks: Halext\Debug\to_json (PHP → serde_json::Value → text),
 * from_json (text → Value → PHP) and roundtrip (PHP → Value → PHP).
 *
 * @group debug-hooks
 */
final class ConvertTest extends TestCase
{
    /** Sorts string-keyed arrays recursively: JSON objects come back sorted by key. */
    private static function canonical($value)
    {
        if (!is_array($value)) {
            return $value;
        }
        $value = array_map([self::class, 'canonical'], $value);
        if (!array_is_list($value)) {
            ksort($value, SORT_STRING);
        }
        return $value;
    }

    /** @return array<string, array{mixed}> */
    public function values(): array
    {
        return [
            'null' => [null],
            'true' => [true],
            'false' => [false],
            'zero' => [0],
            'negative' => [-42],
            'int max' => [PHP_INT_MAX],
            'int min' => [PHP_INT_MIN],
            'float' => [1.5],
            'float with zero fraction' => [2.0],
            'tiny float' => [5e-324],
            'empty string' => [''],
            'unicode' => ["héllo wörld, 日本語, emoji 🎉, rtl עברית"],
            'nul byte and controls' => ["a\0b\n\t\"\\"],
            'empty array' => [[]],
            'list' => [[1, 'two', 3.0, null, false]],
            'map' => [['sub' => 'alice', 'exp' => 1700000000, 'roles' => ['admin', 'editor']]],
            'nested' => [['a' => ['b' => ['c' => ['d' => [1, [2, [3, ['e' => 'deep']]]]]]]]],
            'unicode keys' => [['ключ' => 1, '鍵' => 2, 'clé' => ['ü' => true]]],
            'int keys that are not a list' => [[5 => 'five', 7 => 'seven']],
            'negative int key' => [[-1 => 'minus one']],
            'mixed keys' => [[0 => 'zero', 'one' => 1, 2 => 'two']],
        ];
    }

    /** @dataProvider values */
    public function testRoundTripPreservesValueAndType($value): void
    {
        self::assertSame(self::canonical($value), Halext\Debug\roundtrip($value));
        self::assertSame(self::canonical($value), Halext\Debug\from_json(Halext\Debug\to_json($value)));
    }

    /** @dataProvider values */
    public function testToJsonMatchesJsonEncodeSemantics($value): void
    {
        $expected = json_decode(json_encode($value, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION), true);
        self::assertSame(self::canonical($expected), json_decode(Halext\Debug\to_json($value), true));
    }

    public function testListDetection(): void
    {
        self::assertSame('[]', Halext\Debug\to_json([]));
        self::assertSame('["a","b"]', Halext\Debug\to_json([0 => 'a', 1 => 'b']));
        self::assertSame('{"1":"a"}', Halext\Debug\to_json([1 => 'a']));
        self::assertSame('{"0":"b","1":"a"}', Halext\Debug\to_json([1 => 'a', 0 => 'b']));
        $holed = ['a', 'b', 'c'];
        unset($holed[1]);
        self::assertSame('{"0":"a","2":"c"}', Halext\Debug\to_json($holed));
        self::assertSame('{"0":"a","1":"b","x":"c"}', Halext\Debug\to_json(['a', 'b', 'x' => 'c']));
    }

    public function testObjectKeysComeBackSortedAsDocumented(): void
    {
        self::assertSame('{"a":2,"b":1}', Halext\Debug\to_json(['b' => 1, 'a' => 2]));
        self::assertSame(['a', 'b', 'c'], array_keys(Halext\Debug\from_json('{"c":1,"a":2,"b":3}')));
    }

    public function testNumericStringKeysBecomeIntKeysLikeAnyPhpArray(): void
    {
        $a = Halext\Debug\from_json('{"10":"ten","-3":"minus three","01":"leading zero","-0":"minus zero","1.5":"float"}');
        self::assertSame('ten', $a[10]);
        self::assertSame('ten', $a['10']);
        self::assertSame('minus three', $a[-3]);
        self::assertSame('leading zero', $a['01']);
        self::assertSame('minus zero', $a['-0']);
        self::assertSame('float', $a['1.5']);
        $keys = array_keys($a);
        self::assertContains(10, $keys, 'int key', false, true);
        self::assertContains(-3, $keys);
        self::assertContains('01', $keys);
        foreach ($keys as $k) {
            self::assertTrue(is_int($k) || !is_numeric($k) || $k !== (string) (int) $k, var_export($k, true));
        }
    }

    public function testBigIntegers(): void
    {
        self::assertSame(PHP_INT_MAX, Halext\Debug\from_json('9223372036854775807'));
        self::assertSame(PHP_INT_MIN, Halext\Debug\from_json('-9223372036854775808'));
        // Above PHP_INT_MAX and up to u64::MAX: a decimal string, every digit kept.
        self::assertSame('9223372036854775808', Halext\Debug\from_json('9223372036854775808'));
        self::assertSame('18446744073709551615', Halext\Debug\from_json('18446744073709551615'));
        self::assertSame(['id' => '18446744073709551615'], Halext\Debug\from_json('{"id":18446744073709551615}'));
        // Beyond u64: serde_json reads a float, as json_decode does.
        self::assertSame(1.8446744073709552E+19, Halext\Debug\from_json('18446744073709551616'));
        self::assertSame(1000.0, Halext\Debug\from_json('1e3'));
        self::assertSame(1.0, Halext\Debug\from_json('1.0'));
    }

    public function testReferencesAreFollowed(): void
    {
        $x = ['inner' => 1];
        $value = ['ref' => &$x, 'list' => [&$x]];
        self::assertSame('{"list":[{"inner":1}],"ref":{"inner":1}}', Halext\Debug\to_json($value));
    }

    public function testNestingUpToTheLimitIsAccepted(): void
    {
        $value = [];
        for ($i = 1; $i < 512; $i++) {
            $value = [$value];
        }
        self::assertSame(str_repeat('[', 512) . str_repeat(']', 512), Halext\Debug\to_json($value));
        self::assertSame($value, Halext\Debug\roundtrip($value));
    }

    /** @return array<string, array{mixed, string}> */
    public function unconvertible(): array
    {
        return [
            'stdClass' => [['user' => (object) ['a' => 1]], "\$['user']: an object of class stdClass cannot be converted"],
            'DateTime in a list' => [['when' => [1, new DateTime('2024-01-01')]], "\$['when'][1]: an object of class DateTime cannot be converted"],
            'closure' => [[static function (): void {
            }], '$[0]: an object of class Closure cannot be converted'],
            'resource' => [['fh' => STDERR], "\$['fh']: a resource cannot be converted"],
            'NAN' => [['x' => NAN], "\$['x']: float NaN has no JSON representation"],
            'INF' => [[-INF], '$[0]: float -inf has no JSON representation'],
            'invalid UTF-8 value' => [['name' => "caf\xe9"], "\$['name']: string is not valid UTF-8"],
            'invalid UTF-8 key' => [['ok' => ["caf\xe9" => 1]], "\$['ok']: array key is not valid UTF-8"],
            'top-level object' => [new ArrayObject([]), '$: an object of class ArrayObject cannot be converted'],
            'quote in key' => [["it's" => [new stdClass()]], "\$['it\\'s'][0]: an object of class stdClass"],
        ];
    }

    /**
     * @dataProvider unconvertible
     * @param mixed $value
     */
    public function testUnconvertibleValuesAreRejectedWithTheirPath($value, string $message): void
    {
        try {
            Halext\Debug\to_json($value);
            self::fail('nothing thrown');
        } catch (Halext\Exception $e) {
            self::assertSame(Halext\Exception::class, get_class($e));
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode());
            self::assertStringContainsString($message, $e->getMessage());
        }
    }

    public function testOneLevelBeyondTheLimitIsRejected(): void
    {
        $value = [];
        for ($i = 0; $i < 512; $i++) {
            $value = [$value];
        }
        try {
            Halext\Debug\to_json($value);
            self::fail('nothing thrown');
        } catch (Halext\Exception $e) {
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode());
            self::assertStringEndsWith(': nested deeper than 512 levels (or a recursive reference)', $e->getMessage());
        }
    }

    public function testARecursiveReferenceIsStoppedNotFollowedForever(): void
    {
        $a = ['x' => 1];
        $a['self'] = &$a;
        try {
            Halext\Debug\to_json($a);
            self::fail('nothing thrown');
        } catch (Halext\Exception $e) {
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode());
            self::assertStringStartsWith("\$['self']['self']['self']", $e->getMessage());
            self::assertStringContainsString('more)…', $e->getMessage());
            self::assertLessThan(400, strlen($e->getMessage()));
        }
    }

    public function testMessagesNameThePathButNeverTheValue(): void
    {
        try {
            Halext\Debug\to_json(['password' => "hunter2\xff"]);
            self::fail('nothing thrown');
        } catch (Halext\Exception $e) {
            self::assertStringNotContainsString('hunter2', $e->getMessage());
        }
    }
}
