<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use PHPUnit\Framework\TestCase;

/**
 * The exception model: hierarchy, catch order, codes/reasons/constants generated from the
 * core's code table, the extra data of Halext\ApiException, PHP-side construction.
 */
final class ExceptionTest extends TestCase
{
    private const CLASSES = [
        'Halext\\Exception',
        'Halext\\TokenException',
        'Halext\\ApiException',
        'Halext\\LegacyException',
        'Halext\\MigrationException',
    ];

    /** The capability of a dotted name, restated independently of the extension. */
    private static function classOfReason(string $reason): string
    {
        $prefix = strstr($reason, '.', true);
        switch ($prefix) {
            case 'token':
                return 'Halext\\TokenException';
            case 'api':
                return 'Halext\\ApiException';
            case 'legacy':
                return 'Halext\\LegacyException';
            case 'migration':
            case 'mapping':
                return 'Halext\\MigrationException';
            case false:
                return 'Halext\\Exception';
        }
        self::fail("unexpected prefix in $reason");
    }

    public function testTheHierarchy(): void
    {
        self::assertSame('Exception', get_parent_class('Halext\\Exception'));
        foreach (array_slice(self::CLASSES, 1) as $class) {
            self::assertSame('Halext\\Exception', get_parent_class($class), $class);
        }
        foreach (self::CLASSES as $class) {
            $r = new ReflectionClass($class);
            self::assertTrue($r->isInstantiable(), $class);
            self::assertSame('halext', $r->getExtensionName(), $class);
            self::assertTrue($r->implementsInterface(Throwable::class));
        }
    }

    public function testTheCodeTableIsCompleteOrderedAndMatchesTheClassConstants(): void
    {
        $codes = halext_error_codes();
        self::assertGreaterThan(40, count($codes));
        $numbers = array_column($codes, 'code');
        $sorted = $numbers;
        sort($sorted);
        self::assertSame($sorted, $numbers, 'numeric order');
        self::assertSame(count($numbers), count(array_unique($numbers)), 'unique numbers');
        self::assertSame(count($codes), count(array_unique(array_column($codes, 'reason'))), 'unique reasons');
        self::assertNotContains(0, $numbers, 'ok is never an exception code');

        $declared = 0;
        foreach (self::CLASSES as $class) {
            foreach ((new ReflectionClass($class))->getReflectionConstants() as $c) {
                if ($c->getDeclaringClass()->getName() === $class) {
                    $declared++;
                }
            }
        }
        self::assertSame(count($codes), $declared, 'one constant per code, no other constants');

        foreach ($codes as $row) {
            self::assertSame(['code', 'reason', 'class', 'constant'], array_keys($row));
            self::assertSame(self::classOfReason($row['reason']), $row['class'], $row['reason']);
            self::assertSame($row['code'], constant($row['class'] . '::' . $row['constant']), $row['reason']);
            self::assertMatchesRegularExpression('/^[A-Z][A-Z0-9_]*$/', $row['constant']);
            $expectedRange = ['Halext\\Exception' => [1, 99], 'Halext\\TokenException' => [100, 199],
                'Halext\\ApiException' => [200, 299], 'Halext\\LegacyException' => [300, 399],
                'Halext\\MigrationException' => [400, 499]][$row['class']];
            self::assertGreaterThanOrEqual($expectedRange[0], $row['code']);
            self::assertLessThanOrEqual($expectedRange[1], $row['code']);
        }
    }

    public function testStableNumbersThatPhpCodeMayHardcode(): void
    {
        self::assertSame(1, Halext\Exception::INTERNAL);
        self::assertSame(2, Halext\Exception::INVALID_ARGUMENT);
        self::assertSame(3, Halext\Exception::CONFIG);
        self::assertSame(104, Halext\TokenException::EXPIRED);
        self::assertSame(103, Halext\TokenException::BAD_SIGNATURE);
        self::assertSame(204, Halext\ApiException::VALIDATION);
        self::assertSame(205, Halext\ApiException::RATE_LIMITED);
        self::assertSame(304, Halext\LegacyException::UNUSABLE_HASH);
        self::assertSame(400, Halext\MigrationException::INVALID_CREDENTIALS);
        self::assertSame(406, Halext\MigrationException::MAPPING_STORE);
    }

    /** @return iterable<string, array{int, string, string}> */
    public function everyCode(): iterable
    {
        foreach (halext_error_codes() as $row) {
            yield $row['reason'] => [$row['code'], $row['reason'], $row['class']];
        }
    }

    /**
     * @group debug-hooks
     * @dataProvider everyCode
     */
    public function testEveryCodeIsThrownAsItsClassAndCaughtInOrder(int $code, string $reason, string $class): void
    {
        $line = __LINE__ + 2;
        try {
            Halext\Debug\throw($code, "message for $reason");
            self::fail('nothing thrown');
        } catch (Halext\TokenException | Halext\ApiException | Halext\LegacyException | Halext\MigrationException $e) {
            self::assertNotSame('Halext\\Exception', $class, 'a general code must not be a capability class');
        } catch (Halext\Exception $e) {
            self::assertSame('Halext\\Exception', $class);
        }
        self::assertSame($class, get_class($e));
        self::assertSame($code, $e->getCode());
        self::assertSame($reason, $e->getReason());
        self::assertSame("message for $reason", $e->getMessage());
        self::assertNull($e->getPrevious());
        self::assertSame(__FILE__, $e->getFile());
        self::assertSame($line, $e->getLine());
        self::assertSame('Halext\\Debug\\throw', $e->getTrace()[0]['function']);
        self::assertSame(__FUNCTION__, $e->getTrace()[1]['function']);
        self::assertStringStartsWith("$class: message for $reason in " . __FILE__ . ":$line", (string) $e);
    }

    /** @group debug-hooks */
    public function testPlainExceptionCatchesHalextExceptions(): void
    {
        try {
            Halext\Debug\throw(Halext\LegacyException::DATABASE, 'db down');
            self::fail('nothing thrown');
        } catch (\Exception $e) {
            self::assertInstanceOf(Halext\LegacyException::class, $e);
            self::assertInstanceOf(Halext\Exception::class, $e);
        }
    }

    /** @group debug-hooks */
    public function testAnUncaughtExceptionIsReportedWithItsClassAndMessage(): void
    {
        $run = PhpProcess::start(['-r', 'Halext\Debug\throw(Halext\TokenException::EXPIRED, "the token expired");'], ['display_errors' => 'stderr', 'log_errors' => '0']);
        self::assertSame(255, $run->exitCode);
        self::assertStringContainsString('Uncaught Halext\TokenException: the token expired', $run->stderr);
    }

    /** @group debug-hooks */
    public function testApiExceptionCarriesStatusFieldErrorsAndRetryAfter(): void
    {
        $fieldErrors = [['loc' => ['body', 'email'], 'msg' => 'value is not a valid email address', 'type' => 'value_error']];
        try {
            Halext\Debug\throw(Halext\ApiException::VALIDATION, 'validation failed', ['status' => 422, 'fieldErrors' => $fieldErrors]);
            self::fail('nothing thrown');
        } catch (Halext\ApiException $e) {
            self::assertSame(422, $e->getStatus());
            self::assertSame($fieldErrors, $e->getFieldErrors());
            self::assertNull($e->getRetryAfter());
            self::assertSame('api.validation', $e->getReason());
        }
        try {
            Halext\Debug\throw(Halext\ApiException::RATE_LIMITED, 'slow down', ['status' => 429, 'retryAfter' => 30]);
            self::fail('nothing thrown');
        } catch (Halext\ApiException $e) {
            self::assertSame([429, [], 30], [$e->getStatus(), $e->getFieldErrors(), $e->getRetryAfter()]);
        }
        try {
            Halext\Debug\throw(Halext\ApiException::TIMEOUT, 'timed out');
            self::fail('nothing thrown');
        } catch (Halext\ApiException $e) {
            self::assertSame([null, [], null], [$e->getStatus(), $e->getFieldErrors(), $e->getRetryAfter()]);
        }
    }

    /** @group debug-hooks */
    public function testOnlyDeclaredPropertiesCanBeSet(): void
    {
        try {
            Halext\Debug\throw(Halext\TokenException::EXPIRED, 'x', ['status' => 401]);
            self::fail('nothing thrown');
        } catch (Halext\Exception $e) {
            self::assertSame(Halext\Exception::INVALID_ARGUMENT, $e->getCode());
            self::assertSame('Halext\\TokenException declares no such property', $e->getMessage());
        }
    }

    public function testExtraPropertiesAreProtected(): void
    {
        $e = new Halext\ApiException('x');
        $this->expectException(Error::class);
        $this->expectExceptionMessage('Cannot access protected property Halext\ApiException::$status');
        // @phpstan-ignore-next-line
        $e->status;
    }

    public function testPhpCodeCanConstructAndSubclassTheExceptions(): void
    {
        $e = new Halext\TokenException('expired (test double)', Halext\TokenException::EXPIRED);
        self::assertSame('token.expired', $e->getReason());
        self::assertSame(Halext\TokenException::EXPIRED, $e->getCode());

        $previous = new RuntimeException('cause');
        $e = new Halext\ApiException('wrapped', Halext\ApiException::SERVER, $previous);
        self::assertSame($previous, $e->getPrevious());
        self::assertSame('api.server', $e->getReason());
        self::assertSame([null, [], null], [$e->getStatus(), $e->getFieldErrors(), $e->getRetryAfter()]);

        self::assertSame('unknown', (new Halext\Exception('no code'))->getReason());
        self::assertSame('unknown', (new Halext\Exception('not ours', 99999))->getReason());

        $sub = new class ('custom', Halext\MigrationException::CONFLICT) extends Halext\MigrationException {
        };
        self::assertSame('migration.conflict', $sub->getReason());
        self::assertInstanceOf(Halext\Exception::class, $sub);
    }

    public function testGettersTakeNoArguments(): void
    {
        $this->expectException(ArgumentCountError::class);
        // @phpstan-ignore-next-line
        (new Halext\TokenException('x'))->getReason(1);
    }
}
