<?php namespace Alttp\Admin; /** In scope: $posts (published Halext BlogPost arrays, newest first). */ ?>
<p>The latest news from the ALTTP hacking community, published through Halext.</p>
<?php if ($posts === []): ?>
<p>No news yet.</p>
<?php else: ?>
<ol class="blog-list">
  <?php foreach ($posts as $p): $hero = (string) ($p['hero_image_url'] ?? ''); ?>
  <li>
    <article aria-labelledby="post-<?= (int) $p['id'] ?>">
      <h2 id="post-<?= (int) $p['id'] ?>"><?= e($p['title']) ?></h2>
      <p class="meta">Published <time datetime="<?= e(gmdate('c', (int) ($p['published_at'] ?? 0))) ?>"><?= e(format_time($p['published_at'] ?? null)) ?></time>
        <?php if (($p['tags'] ?? []) !== []): ?> · <?= e(implode(', ', $p['tags'])) ?><?php endif; ?></p>
      <?php if ($hero !== '' && is_web_url($hero)): ?>
      <img class="hero" src="<?= e($hero) ?>" alt="<?= e(embedded_alt((string) $p['body_markdown'], $hero)) ?>">
      <?php endif; ?>
      <?php if (($p['summary'] ?? '') !== ''): ?><p><?= e($p['summary']) ?></p><?php endif; ?>
    </article>
  </li>
  <?php endforeach; ?>
</ol>
<?php endif; ?>
<p><a href="/login">Admin sign-in</a></p>
