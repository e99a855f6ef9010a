<?php

/*
 * Form state (values and errors) and the mapping of Halext errors onto form fields.
 */

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;

/**
 * The values a form shows and the errors found in them. Errors are keyed by form field name
 * (the id of the input is `f-<name>`); `general` holds errors that belong to no field.
 */
final class Form
{
    /** @var array<string, string> */
    public array $errors = [];
    /** @var list<string> */
    public array $general = [];

    /** @param array<string, mixed> $values */
    public function __construct(public array $values = [])
    {
    }

    public function value(string $name, string $default = ''): string
    {
        $v = $this->values[$name] ?? $default;
        return is_scalar($v) ? (string) $v : $default;
    }

    public function error(string $field, string $message): void
    {
        // The first error of a field is the one shown next to it.
        $this->errors[$field] ??= $message;
    }

    public function fail(string $message): void
    {
        $this->general[] = $message;
    }

    public function ok(): bool
    {
        return $this->errors === [] && $this->general === [];
    }
}

/**
 * Puts a failed Halext call onto the form: a 422's field errors next to their fields, a 400
 * business rule ("Slug already exists") next to the field it names, anything else at the top.
 * `$fieldMap` maps Halext body field names (`body_markdown`) to form fields (`body`).
 * 401 and 403 are not form errors: the caller handles them first ({@see require_admin_call()}).
 *
 * @param array<string, string> $fieldMap
 */
function api_error_to_form(Form $form, ApiException $e, array $fieldMap): void
{
    if ($e->getCode() === ApiException::VALIDATION) {
        foreach ($e->getFieldErrors() as $fe) {
            $loc = is_array($fe['loc'] ?? null) ? $fe['loc'] : [];
            $name = is_string($fe['field'] ?? null) ? $fe['field'] : (string) ($loc[1] ?? '');
            $msg = 'Halext: ' . (is_string($fe['msg'] ?? null) ? $fe['msg'] : 'invalid value');
            if (isset($fieldMap[$name])) {
                $form->error($fieldMap[$name], $msg);
            } else {
                $form->fail($msg . ($name !== '' ? " ({$name})" : ''));
            }
        }
        if ($form->ok()) {
            $form->fail('Halext rejected the form: ' . $e->getMessage());
        }
        return;
    }
    if ($e->getCode() === ApiException::CONFLICT) {
        $detail = halext_detail($e);
        foreach ($fieldMap as $halextName => $field) {
            if (stripos($detail, $halextName) === 0) {       // "Slug already exists" → slug
                $form->error($field, 'Halext: ' . $detail);
                return;
            }
        }
        $form->fail('Halext: ' . $detail);
        return;
    }
    $form->fail(match ($e->getCode()) {
        ApiException::RATE_LIMITED => 'Halext is busy (rate limited); try again'
            . ($e->getRetryAfter() !== null ? " in {$e->getRetryAfter()} s" : ' shortly') . '. Nothing was lost.',
        ApiException::TIMEOUT, ApiException::CONNECT, ApiException::TRANSPORT
            => 'Halext could not be reached (' . $e->getReason() . '). Nothing was saved; try again.',
        default => 'Halext refused the request: ' . $e->getMessage(),
    });
}

/**
 * The `detail` text of a Halext error. The client's message reads
 * `POST /content/admin/blog-posts: rejected (400): Slug already exists`; the detail is what
 * follows the status.
 */
function halext_detail(ApiException $e): string
{
    $m = $e->getMessage();
    return preg_match('/^[A-Z]+ \S+: [^:]*\(\d{3}\): (.*)$/s', $m, $mm) === 1 ? $mm[1] : $m;
}
