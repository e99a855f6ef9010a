<?php

declare(strict_types=1);

/*
 * "Across PHP-FPM requests": one PHP-FPM worker serves N requests; each request makes one GET
 * /version to the Halext-compatible server and returns it, as a site's page would. Timed from
 * the FastCGI client (the whole request: FastCGI exchange + PHP request start-up + the call):
 *
 *   ext        new Halext\Client() + version(): the core client and its keep-alive connection
 *              live on in the worker (per-process registry), so only the first request connects
 *   curl-new   curl_init/exec/close + json_decode: a new connection per request (PHP frees the
 *              handle at request end; nothing survives)
 *   nothing    the same request without any call: the FastCGI + PHP floor
 *
 * The difference between a mode and `nothing` is what the call costs inside a request.
 * scripts/bench-http.sh runs it with the worker pinned to one CPU and the server to the other.
 *
 *   php tests/php/bench/http_fpm.php --url http://127.0.0.1:PORT --extension target/release/libhalext_php.so [--n 3000]
 */

require __DIR__ . '/../support/PhpProcess.php';
require __DIR__ . '/../support/FastCgi.php';
require __DIR__ . '/../support/FpmPool.php';

use Halext\Tests\FastCgi;
use Halext\Tests\FpmPool;

$opts = getopt('', ['url:', 'extension:', 'n::', 'rounds::', 'pin::']);
$url = $opts['url'] ?? '';
$extension = $opts['extension'] ?? '';
if ($url === '' || $extension === '' || !is_file($extension)) {
    fwrite(STDERR, "usage: php http_fpm.php --url http://127.0.0.1:PORT --extension path/libhalext_php.so [--n 3000] [--pin 0]\n");
    exit(2);
}
$n = (int) ($opts['n'] ?? 3000);
$rounds = max(1, (int) ($opts['rounds'] ?? 5));
$prefix = isset($opts['pin']) ? ['taskset', '-c', (string) $opts['pin']] : [];

$pool = new FpmPool(1, ['HALEXT_URL' => $url, 'HALEXT_RETRIES' => '0'],
    ['extension' => 'curl'], [
        'ext.php' => '<?php $v = (new Halext\Client())->version(); echo $v["version"];',
        'curl-new.php' => '<?php $h = curl_init(getenv("HALEXT_URL") . "/version");
            curl_setopt_array($h, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => ["Accept: application/json"], CURLOPT_TCP_NODELAY => true]);
            $v = json_decode(curl_exec($h), true); curl_close($h); echo $v["version"];',
        'nothing.php' => '<?php echo "0.2.0-refactored";',
    ], $prefix, $extension);

$modes = ['ext', 'curl-new', 'nothing'];
foreach ($modes as $mode) {
    for ($i = 0; $i < 200; $i++) {
        $body = $pool->get("$mode.php")['body'];
        if ($body !== '0.2.0-refactored') {
            fwrite(STDERR, "$mode: unexpected answer: $body\n");
            exit(1);
        }
    }
}
$samples = array_fill_keys($modes, []);
$per = intdiv($n, $rounds);
for ($r = 0; $r < $rounds; $r++) {
    foreach ($modes as $mode) {
        $script = $pool->dir . "/www/$mode.php";
        for ($i = 0; $i < $per; $i++) {
            $t0 = hrtime(true);
            FastCgi::get($pool->socket, $script);
            $samples[$mode][] = hrtime(true) - $t0;
        }
    }
}
$pool->stop();

$pct = static function (array $sorted, float $p): float {
    return $sorted[min(count($sorted) - 1, (int) floor($p * count($sorted)))] / 1000;
};
printf("One PHP-FPM worker, one GET /version per request, %d requests per mode in %d rounds (microseconds, whole FastCGI request)\n", $per * $rounds, $rounds);
printf("%-10s %8s %8s %8s %8s\n", 'mode', 'p50', 'p90', 'p99', 'mean');
foreach ($modes as $mode) {
    $s = $samples[$mode];
    sort($s);
    printf("%-10s %8.1f %8.1f %8.1f %8.1f\n", $mode, $pct($s, 0.50), $pct($s, 0.90), $pct($s, 0.99), array_sum($s) / count($s) / 1000);
}
