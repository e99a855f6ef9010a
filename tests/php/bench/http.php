<?php

declare(strict_types=1);

/*
 * Small GET round trips from PHP to a local Halext-compatible server (GET /version: about 150
 * bytes of JSON, keep-alive), each answer decoded to an array, timed one call at a time with
 * hrtime(): p50 / p90 / p99 / mean over N calls per mode.
 *
 *   ext          Halext\Client::version() (the extension; one keep-alive connection per process)
 *   curl-new     curl_init() + curl_exec() + curl_close() per call, then json_decode
 *                (what a PHP-FPM request does: nothing survives the request)
 *   curl-reuse   one curl handle for every call (keep-alive), then json_decode
 *   socket       a raw keep-alive socket (fsockopen), hand-written HTTP/1.1, json_decode: the
 *                floor for anything in PHP
 *
 * Modes are interleaved in rounds (each round runs every mode for N/rounds calls) so a burst of
 * load on the shared machine hits all of them alike. scripts/bench-http.sh runs this pinned to
 * one CPU with the server pinned to the other.
 *
 *   php -d extension=target/release/libhalext_php.so tests/php/bench/http.php --url http://127.0.0.1:PORT [--n 10000] [--rounds 5]
 */

$opts = getopt('', ['url:', 'n::', 'rounds::', 'modes::']);
$url = $opts['url'] ?? '';
if ($url === '' || !extension_loaded('halext') || !extension_loaded('curl')) {
    fwrite(STDERR, "usage: php -d extension=libhalext_php.so http.php --url http://127.0.0.1:PORT [--n 10000] [--rounds 5] (needs the curl extension)\n");
    exit(2);
}
$n = (int) ($opts['n'] ?? 10000);
$rounds = max(1, (int) ($opts['rounds'] ?? 5));
$modes = explode(',', $opts['modes'] ?? 'ext,curl-new,curl-reuse,socket');
$path = '/version';
$parts = parse_url($url);

// ---- the clients -----------------------------------------------------------------------

$client = new Halext\Client(['url' => $url, 'retries' => 0]);
$reused = curl_init();
curl_setopt_array($reused, [CURLOPT_URL => $url . $path, CURLOPT_RETURNTRANSFER => true,
    CURLOPT_HTTPHEADER => ['Accept: application/json'], CURLOPT_TCP_NODELAY => true]);
$sock = fsockopen($parts['host'], (int) $parts['port'], $errno, $errstr, 2.0);
if ($sock === false) {
    fwrite(STDERR, "cannot connect: $errstr\n");
    exit(1);
}
stream_set_timeout($sock, 5);
$request = "GET $path HTTP/1.1\r\nHost: {$parts['host']}:{$parts['port']}\r\nAccept: application/json\r\n\r\n";

/** One exchange on the raw socket: headers, then Content-Length bytes. */
$socketGet = static function () use ($sock, $request): array {
    fwrite($sock, $request);
    $length = 0;
    while (($line = fgets($sock)) !== false && $line !== "\r\n") {
        if (stripos($line, 'content-length:') === 0) {
            $length = (int) substr($line, 15);
        }
    }
    $body = '';
    while (strlen($body) < $length) {
        $body .= fread($sock, $length - strlen($body));
    }
    return json_decode($body, true);
};

$calls = [
    'ext' => static function () use ($client): array {
        return $client->version();
    },
    'curl-new' => static function () use ($url, $path): array {
        $h = curl_init($url . $path);
        curl_setopt_array($h, [CURLOPT_RETURNTRANSFER => true, CURLOPT_HTTPHEADER => ['Accept: application/json'],
            CURLOPT_TCP_NODELAY => true]);
        $body = curl_exec($h);
        curl_close($h);
        return json_decode($body, true);
    },
    'curl-reuse' => static function () use ($reused): array {
        return json_decode(curl_exec($reused), true);
    },
    'socket' => $socketGet,
];

// ---- measure ---------------------------------------------------------------------------

foreach ($modes as $mode) {
    if (!isset($calls[$mode])) {
        fwrite(STDERR, "unknown mode $mode\n");
        exit(2);
    }
    for ($i = 0; $i < 500; $i++) {   // warm up: connections, caches, branch predictors
        if ($calls[$mode]()['version'] !== '0.2.0-refactored') {
            fwrite(STDERR, "$mode: unexpected answer\n");
            exit(1);
        }
    }
}
$samples = array_fill_keys($modes, []);
$per = intdiv($n, $rounds);
for ($r = 0; $r < $rounds; $r++) {
    foreach ($modes as $mode) {
        $call = $calls[$mode];
        $s = &$samples[$mode];
        for ($i = 0; $i < $per; $i++) {
            $t0 = hrtime(true);
            $call();
            $s[] = hrtime(true) - $t0;
        }
        unset($s);
    }
}

$pct = static function (array $sorted, float $p): float {
    return $sorted[min(count($sorted) - 1, (int) floor($p * count($sorted)))] / 1000;
};
printf("GET %s from PHP %s, %d calls per mode in %d interleaved rounds (microseconds)\n", $path, PHP_VERSION, $per * $rounds, $rounds);
printf("%-12s %8s %8s %8s %8s\n", 'mode', 'p50', 'p90', 'p99', 'mean');
$result = [];
foreach ($modes as $mode) {
    $s = $samples[$mode];
    sort($s);
    $row = ['p50' => $pct($s, 0.50), 'p90' => $pct($s, 0.90), 'p99' => $pct($s, 0.99), 'mean' => array_sum($s) / count($s) / 1000];
    $result[$mode] = $row;
    printf("%-12s %8.1f %8.1f %8.1f %8.1f\n", $mode, $row['p50'], $row['p90'], $row['p99'], $row['mean']);
}
if (getenv('HALEXT_BENCH_JSON')) {
    file_put_contents((string) getenv('HALEXT_BENCH_JSON'), json_encode($result));
}
