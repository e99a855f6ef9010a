<?php

/*
 * Rendering: a page is a template in views/ inside views/layout.php. Accessible form widgets:
 * every input has a <label>, hints and errors are tied to it with aria-describedby, an invalid
 * input has aria-invalid, and the error summary (role="alert", focused on load by
 * assets/admin.js) links to each field.
 */

declare(strict_types=1);

namespace Alttp\Admin;

/**
 * Sends the page `views/<name>.php` in the layout with `$vars` in scope.
 * `$vars['title']` is the page's <h1> and <title>; `$vars['admin']` the signed-in admin, if any.
 *
 * @param array<string, mixed> $vars
 */
function render(string $name, array $vars, int $status = 200): void
{
    http_response_code($status);
    header('Content-Type: text/html; charset=utf-8');
    header('Cache-Control: no-store');   // admin pages hold data that must not be cached
    $vars += ['admin' => null, 'flash' => null, 'title' => ''];
    $view = __DIR__ . '/../views/' . basename($name) . '.php';
    (static function (string $__view, array $__vars): void {
        extract($__vars, EXTR_SKIP);
        require __DIR__ . '/../views/layout.php';
    })($view, $vars);
}

/** The error summary at the top of a form (nothing when the form has no errors). */
function error_summary(Form $form): string
{
    if ($form->ok()) {
        return '';
    }
    $items = '';
    foreach ($form->general as $message) {
        $items .= '<li>' . e($message) . '</li>';
    }
    foreach ($form->errors as $field => $message) {
        $items .= '<li><a href="#f-' . e($field) . '">' . e($message) . '</a></li>';
    }
    return '<div class="error-summary" id="error-summary" role="alert" tabindex="-1" data-autofocus>'
        . '<h2>There is a problem</h2><ul>' . $items . '</ul></div>';
}

/**
 * A labelled input with its hint and error.
 *
 * @param array{type?: string, hint?: string, required?: bool, maxlength?: int, autocomplete?: string,
 *              pattern?: string, readonly?: bool, list?: string, value?: string} $opt
 */
function text_field(Form $form, string $name, string $label, array $opt = []): string
{
    [$describedBy, $after] = field_notes($form, $name, $opt['hint'] ?? null);
    $attrs = [
        'type' => $opt['type'] ?? 'text',
        'id' => 'f-' . $name,
        'name' => $name,
        // A password is never echoed back.
        'value' => $opt['value'] ?? (($opt['type'] ?? 'text') === 'password' ? '' : $form->value($name)),
    ];
    foreach (['maxlength', 'autocomplete', 'pattern', 'list'] as $k) {
        if (isset($opt[$k])) {
            $attrs[$k] = (string) $opt[$k];
        }
    }
    $flags = '';
    if ($opt['required'] ?? false) {
        $flags .= ' required aria-required="true"';
    }
    if ($opt['readonly'] ?? false) {
        $flags .= ' readonly';
    }
    return '<div class="field' . (isset($form->errors[$name]) ? ' has-error' : '') . '">'
        . '<label for="f-' . e($name) . '">' . e($label) . required_mark($opt) . '</label>'
        . $after
        . '<input' . attrs($attrs) . $describedBy . $flags . '>'
        . '</div>';
}

/** A labelled textarea with its hint and error. */
function textarea_field(Form $form, string $name, string $label, array $opt = []): string
{
    [$describedBy, $after] = field_notes($form, $name, $opt['hint'] ?? null);
    $flags = ($opt['required'] ?? false) ? ' required aria-required="true"' : '';
    return '<div class="field' . (isset($form->errors[$name]) ? ' has-error' : '') . '">'
        . '<label for="f-' . e($name) . '">' . e($label) . required_mark($opt) . '</label>'
        . $after
        . '<textarea id="f-' . e($name) . '" name="' . e($name) . '" rows="' . (int) ($opt['rows'] ?? 8) . '"'
        . $describedBy . $flags . '>' . e($form->value($name)) . '</textarea>'
        . '</div>';
}

/** A labelled file input (images only) with its hint and error. */
function file_field(Form $form, string $name, string $label, string $hint): string
{
    [$describedBy, $after] = field_notes($form, $name, $hint);
    return '<div class="field' . (isset($form->errors[$name]) ? ' has-error' : '') . '">'
        . '<label for="f-' . e($name) . '">' . e($label) . '</label>' . $after
        . '<input type="file" id="f-' . e($name) . '" name="' . e($name) . '" accept="image/png,image/jpeg,image/gif,image/webp"'
        . $describedBy . '>'
        . '</div>';
}

/**
 * The hint and error paragraphs of a field and the matching aria attributes.
 *
 * @return array{0: string, 1: string} [aria attributes for the input, HTML placed before it]
 */
function field_notes(Form $form, string $name, ?string $hint): array
{
    $ids = [];
    $html = '';
    if ($hint !== null) {
        $ids[] = 'f-' . $name . '-hint';
        $html .= '<p class="hint" id="f-' . e($name) . '-hint">' . e($hint) . '</p>';
    }
    if (isset($form->errors[$name])) {
        $ids[] = 'f-' . $name . '-error';
        $html .= '<p class="field-error" id="f-' . e($name) . '-error"><span class="visually-hidden">Error: </span>'
            . e($form->errors[$name]) . '</p>';
    }
    $aria = $ids === [] ? '' : ' aria-describedby="' . e(implode(' ', $ids)) . '"';
    if (isset($form->errors[$name])) {
        $aria .= ' aria-invalid="true"';
    }
    return [$aria, $html];
}

function required_mark(array $opt): string
{
    return ($opt['required'] ?? false) ? ' <span class="required">(required)</span>' : '';
}

/** @param array<string, string> $attrs */
function attrs(array $attrs): string
{
    $out = '';
    foreach ($attrs as $k => $v) {
        $out .= ' ' . $k . '="' . e($v) . '"';
    }
    return $out;
}
