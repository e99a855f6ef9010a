<?php

/**
 * The page frame. In scope: $title, $admin (the signed-in admin or null), $flash, $__view.
 */

namespace Alttp\Admin;

?><!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?= e($title) ?> · alttphacking.net<?= empty($public) ? ' admin' : '' ?></title>
<link rel="stylesheet" href="/assets/admin.css">
<script src="/assets/admin.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <p class="site-name"><?= empty($public) ? 'alttphacking.net <span>lite admin</span>' : 'alttphacking.net' ?></p>
  <?php if ($admin !== null): ?>
  <nav aria-label="Admin">
    <ul>
      <?php foreach (['/news' => 'News', '/hacks' => 'Hacks', '/resources' => 'Resources', '/media' => 'Media', '/blog' => 'Public blog'] as $href => $label): ?>
      <li><a href="<?= e($href) ?>"<?= str_starts_with(request_path(), $href) ? ' aria-current="page"' : '' ?>><?= e($label) ?></a></li>
      <?php endforeach; ?>
    </ul>
  </nav>
  <form method="post" action="/logout" class="signout">
    <?= csrf_field() ?>
    <span>Signed in as <strong><?= e($admin['username']) ?></strong></span>
    <button type="submit" class="link-button">Sign out</button>
  </form>
  <?php endif; ?>
</header>
<main id="main">
  <h1><?= e($title) ?></h1>
  <?php if ($flash !== null): ?>
  <p class="flash" role="status"><?= e($flash) ?></p>
  <?php endif; ?>
  <?php require $__view; ?>
</main>
</body>
</html>
