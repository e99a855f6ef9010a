<?php

declare(strict_types=1);

namespace Halext\Tests;

use PHPUnit\Framework\TestCase;

/**
 * What the adapter suites (AcmlmboardAdapterTest, ZenieaAdapterTest) share: one Halext test
 * server per class, reset before each test, and the test's adapter site (`$this->site`, an
 * AdapterSite served by `php -S`) stopped after it, failing the test if its log shows a PHP
 * diagnostic or an operator-log line of the adapter.
 */
abstract class AdapterTestCase extends TestCase
{
    /** @var TestServer|null */
    private static $halext = null;
    /** @var AdapterSite|null */
    protected $site = null;

    public static function setUpBeforeClass(): void
    {
        self::$halext = new TestServer();
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$halext !== null) {
            self::$halext->stop();
            self::$halext = null;
        }
    }

    protected function setUp(): void
    {
        self::halext()->reset();
    }

    protected function tearDown(): void
    {
        if ($this->site !== null) {
            $log = $this->site->log();
            $this->site->stop();
            $this->site = null;
            self::assertDoesNotMatchRegularExpression('/PHP (Warning|Notice|Deprecated|Fatal)|halext adapter:/', $log, 'no PHP diagnostics and no operator-log line');
        }
    }

    protected static function halext(): TestServer
    {
        self::assertNotNull(self::$halext);
        return self::$halext;
    }
}
