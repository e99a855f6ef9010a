<?php

declare(strict_types=1);

namespace Halext\Tests;

/**
 * A minimal FastCGI client (one GET request per connection) to talk to PHP-FPM in tests.
 * Protocol: https://fastcgi-archives.github.io/FastCGI_Specification.html (records of
 * version 1; BEGIN_REQUEST, PARAMS, STDIN, then STDOUT/STDERR until END_REQUEST).
 */
final class FastCgi
{
    private const BEGIN_REQUEST = 1;
    private const END_REQUEST = 3;
    private const PARAMS = 4;
    private const STDIN = 5;
    private const STDOUT = 6;
    private const STDERR = 7;
    private const RESPONDER = 1;

    /**
     * Runs `$script` through the FPM pool listening on the unix socket `$socket`.
     *
     * @return array{headers: string, body: string, stderr: string}
     */
    public static function get(string $socket, string $script, string $query = ''): array
    {
        return self::finish(self::start($socket, $script, $query));
    }

    /**
     * Sends the request and returns the open connection without waiting for the answer, so
     * several requests can be in flight at once (each on its own worker); read it with
     * {@see FastCgi::finish()}.
     *
     * @return resource
     */
    public static function start(string $socket, string $script, string $query = '')
    {
        $conn = @stream_socket_client('unix://' . $socket, $errno, $error, 5.0);
        if ($conn === false) {
            throw new \RuntimeException("cannot connect to $socket: $error");
        }
        stream_set_timeout($conn, 10);
        $params = [
            'GATEWAY_INTERFACE' => 'FastCGI/1.0',
            'REQUEST_METHOD' => 'GET',
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/' . basename($script),
            'REQUEST_URI' => '/' . basename($script) . ($query === '' ? '' : "?$query"),
            'QUERY_STRING' => $query,
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            'SERVER_NAME' => 'localhost',
            'SERVER_PORT' => '80',
            'REMOTE_ADDR' => '127.0.0.1',
        ];
        $encoded = '';
        foreach ($params as $name => $value) {
            $encoded .= self::length(strlen($name)) . self::length(strlen($value)) . $name . $value;
        }
        fwrite($conn, self::record(self::BEGIN_REQUEST, pack('nCx5', self::RESPONDER, 0))
            . self::record(self::PARAMS, $encoded) . self::record(self::PARAMS, '')
            . self::record(self::STDIN, ''));
        return $conn;
    }

    /**
     * Reads the answer of a request sent with {@see FastCgi::start()} and closes the connection.
     *
     * @param resource $conn
     * @return array{headers: string, body: string, stderr: string}
     */
    public static function finish($conn): array
    {
        $stdout = '';
        $stderr = '';
        while (true) {
            $header = self::read($conn, 8);
            $h = unpack('Cversion/Ctype/nid/nlength/Cpadding/x', $header);
            $content = self::read($conn, $h['length']);
            self::read($conn, $h['padding']);
            if ($h['type'] === self::STDOUT) {
                $stdout .= $content;
            } elseif ($h['type'] === self::STDERR) {
                $stderr .= $content;
            } elseif ($h['type'] === self::END_REQUEST) {
                break;
            }
        }
        fclose($conn);
        $split = strpos($stdout, "\r\n\r\n");
        return [
            'headers' => $split === false ? '' : substr($stdout, 0, $split),
            'body' => $split === false ? $stdout : substr($stdout, $split + 4),
            'stderr' => $stderr,
        ];
    }

    private static function record(int $type, string $content): string
    {
        return pack('CCnnCx', 1, $type, 1, strlen($content), 0) . $content;
    }

    private static function length(int $n): string
    {
        return $n < 128 ? chr($n) : pack('N', $n | 0x80000000);
    }

    /** @param resource $conn */
    private static function read($conn, int $n): string
    {
        $data = '';
        while (strlen($data) < $n) {
            $chunk = fread($conn, $n - strlen($data));
            if ($chunk === false || $chunk === '') {
                throw new \RuntimeException('FastCGI connection closed early');
            }
            $data .= $chunk;
        }
        return $data;
    }
}
