<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * The public surface of a set of functions and classes, as plain arrays, so the extension
 * (internal functions and classes) can be compared with halext.stub.php (user-defined ones,
 * loaded in a child process without the extension). Shared by both sides of StubTest.
 */
final class Surface
{
    /**
     * @param list<string> $functions
     * @param list<string> $classes
     * @return array{functions: array<string, mixed>, classes: array<string, mixed>}
     */
    public static function of(array $functions, array $classes): array
    {
        $out = ['functions' => [], 'classes' => []];
        foreach ($functions as $name) {
            $f = new \ReflectionFunction($name);
            $out['functions'][$f->getName()] = self::signature($f);
        }
        foreach ($classes as $name) {
            $out['classes'][(new \ReflectionClass($name))->getName()] = self::klass(new \ReflectionClass($name));
        }
        ksort($out['functions']);
        ksort($out['classes']);
        return $out;
    }

    /** @return array<string, mixed> */
    private static function klass(\ReflectionClass $c): array
    {
        $own = static function ($member) use ($c): bool {
            return $member->getDeclaringClass()->getName() === $c->getName();
        };
        $constants = [];
        foreach (array_filter($c->getReflectionConstants(), $own) as $k) {
            $constants[$k->getName()] = [self::visibility($k), $k->getValue()];
        }
        $methods = [];
        foreach (array_filter($c->getMethods(), $own) as $m) {
            $methods[$m->getName()] = self::signature($m) + [
                'visibility' => self::visibility($m),
                'static' => $m->isStatic(),
                'final' => $m->isFinal(),
                'abstract' => $m->isAbstract(),
            ];
        }
        $properties = [];
        foreach (array_filter($c->getProperties(), $own) as $p) {
            $properties[$p->getName()] = [
                'visibility' => self::visibility($p),
                'static' => $p->isStatic(),
                'type' => self::type($p->getType()),
                'default' => $p->hasDefaultValue() ? $p->getDefaultValue() : '(none)',
            ];
        }
        ksort($constants);
        ksort($methods);
        ksort($properties);
        $parent = $c->getParentClass();
        return [
            'parent' => $parent === false ? null : $parent->getName(),
            'interfaces' => $c->getInterfaceNames(),
            'abstract' => $c->isAbstract(),
            'final' => $c->isFinal(),
            'constants' => $constants,
            'methods' => $methods,
            'properties' => $properties,
        ];
    }

    /** @return array<string, mixed> */
    private static function signature(\ReflectionFunctionAbstract $f): array
    {
        $params = [];
        foreach ($f->getParameters() as $p) {
            $params[] = [
                'name' => $p->getName(),
                'type' => self::type($p->getType()),
                'optional' => $p->isOptional(),
                'variadic' => $p->isVariadic(),
                'by_ref' => $p->isPassedByReference(),
                'attributes' => array_map(static function (\ReflectionAttribute $a): string {
                    return $a->getName();
                }, $p->getAttributes()),
            ];
        }
        return [
            'params' => $params,
            'return' => self::type($f->getReturnType()),
            'by_ref' => $f->returnsReference(),
        ];
    }

    private static function type(?\ReflectionType $t): ?string
    {
        return $t === null ? null : (string) $t;
    }

    /** @param \ReflectionMethod|\ReflectionProperty|\ReflectionClassConstant $m */
    private static function visibility($m): string
    {
        return $m->isPublic() ? 'public' : ($m->isProtected() ? 'protected' : 'private');
    }
}
