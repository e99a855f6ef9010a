<?php

declare(strict_types=1);

use Halext\Tests\PhpProcess;
use Halext\Tests\Surface;
use PHPUnit\Framework\TestCase;

/**
 * halext-php/halext.stub.php must declare exactly what the extension exposes: every
 * function, class, method (parameters, their attributes, return types), constant (value)
 * and property (default). The stub is loaded in a child process without the extension and
 * reflected the same way as the extension, so a binding that adds a function fails here
 * until the stub has it. Debug builds also have `Halext\Debug\*` test hooks; those are not
 * API and are left out on purpose.
 */
final class StubTest extends TestCase
{
    private const STUB = __DIR__ . '/../../halext-php/halext.stub.php';
    private const DEBUG_NAMESPACE = 'halext\\debug\\';

    /** @return array<string, mixed> */
    private static function extensionSurface(): array
    {
        $ext = new ReflectionExtension('halext');
        $functions = array_values(array_filter(
            array_keys($ext->getFunctions()),
            static function (string $name): bool {
                return strncasecmp($name, self::DEBUG_NAMESPACE, strlen(self::DEBUG_NAMESPACE)) !== 0;
            }
        ));
        return Surface::of($functions, $ext->getClassNames());
    }

    /** @return array<string, mixed> */
    private static function stubSurface(): array
    {
        $code = sprintf(
            'require %1$s; require %2$s;
             $stub = realpath(%2$s);
             $functions = array_values(array_filter(get_defined_functions()["user"], fn($f) => (new ReflectionFunction($f))->getFileName() === $stub));
             $classes = array_values(array_filter(get_declared_classes(), fn($c) => (new ReflectionClass($c))->getFileName() === $stub));
             echo json_encode(Halext\Tests\Surface::of($functions, $classes));',
            var_export(__DIR__ . '/support/Surface.php', true),
            var_export(self::STUB, true)
        );
        $run = PhpProcess::start(['-r', $code], [], [], false);
        self::assertSame(0, $run->exitCode, "loading the stub failed:\n{$run->stdout}\n{$run->stderr}");
        return json_decode($run->stdout, true, 512, JSON_THROW_ON_ERROR);
    }

    public function testTheStubDeclaresExactlyTheExtensionsFunctionsAndClasses(): void
    {
        $ext = self::extensionSurface();
        $stub = self::stubSurface();
        // JSON round trip so both sides have the same scalar representation.
        $ext = json_decode(json_encode($ext, JSON_THROW_ON_ERROR), true, 512, JSON_THROW_ON_ERROR);

        self::assertSame(array_keys($ext['functions']), array_keys($stub['functions']), 'functions: extension vs stub');
        self::assertSame(array_keys($ext['classes']), array_keys($stub['classes']), 'classes: extension vs stub');
        foreach ($ext['functions'] as $name => $signature) {
            self::assertSame($signature, $stub['functions'][$name], "function $name");
        }
        foreach ($ext['classes'] as $name => $class) {
            foreach (['constants', 'methods', 'properties'] as $part) {
                self::assertSame(array_keys($class[$part]), array_keys($stub['classes'][$name][$part]), "$name $part");
                foreach ($class[$part] as $member => $shape) {
                    self::assertSame($shape, $stub['classes'][$name][$part][$member], "$name::$member");
                }
            }
            self::assertSame($class, $stub['classes'][$name], "class $name");
        }
    }

    public function testEveryStubDeclarationHasADocblock(): void
    {
        $code = sprintf(
            'require %s;
             $missing = [];
             foreach (get_defined_functions()["user"] as $f) { if ((new ReflectionFunction($f))->getDocComment() === false) $missing[] = $f; }
             foreach (get_declared_classes() as $c) { $r = new ReflectionClass($c); if (!$r->isUserDefined()) continue;
               if ($r->getDocComment() === false) $missing[] = $c;
               foreach ($r->getMethods() as $m) if ($m->getDeclaringClass()->getName() === $c && $m->getDocComment() === false) $missing[] = "$c::{$m->getName()}";
               foreach ($r->getReflectionConstants() as $k) if ($k->getDeclaringClass()->getName() === $c && $k->getDocComment() === false) $missing[] = "$c::{$k->getName()}";
               foreach ($r->getProperties() as $p) if ($p->getDeclaringClass()->getName() === $c && $p->getDocComment() === false) $missing[] = "$c::\${$p->getName()}"; }
             echo json_encode($missing);',
            var_export(self::STUB, true)
        );
        $run = PhpProcess::start(['-r', $code], [], [], false);
        self::assertSame(0, $run->exitCode, $run->stderr);
        self::assertSame([], json_decode($run->stdout, true), 'stub declarations without a docblock');
    }

    public function testTheComparisonNoticesADifference(): void
    {
        // Guard against a comparison that always passes: a stub that lacks a method differs.
        $stub = self::stubSurface();
        unset($stub['classes']['Halext\\ApiException']['methods']['getStatus']);
        $ext = json_decode(json_encode(self::extensionSurface(), JSON_THROW_ON_ERROR), true);
        self::assertNotSame($ext, $stub);
        self::assertArrayHasKey('getStatus', $ext['classes']['Halext\\ApiException']['methods']);
    }
}
