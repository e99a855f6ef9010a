<?php

declare(strict_types=1);

namespace Alttp\Admin;

use Halext\ApiException;
use Halext\Client;
use Halext\Tests\TestServer;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../../examples/php/alttphacking-admin/src/http.php';
require_once __DIR__ . '/../../examples/php/alttphacking-admin/src/form.php';
require_once __DIR__ . '/../../examples/php/alttphacking-admin/src/news.php';
require_once __DIR__ . '/../../examples/php/alttphacking-admin/src/upload.php';

/**
 * The pure helpers of the alttphacking.net lite admin (examples/php/alttphacking-admin; its
 * pages are tested in a browser by tests/e2e/admin.test.mjs): Halext errors onto form fields,
 * with real errors from the test server (a 422 cannot be provoked through the admin's forms,
 * which check every required field first), and the Markdown image embed the public blog reads
 * its alt text from.
 */
final class AlttpAdminHelpersTest extends TestCase
{
    /** @var TestServer|null */
    private static $halext = null;

    public static function setUpBeforeClass(): void
    {
        self::$halext = new TestServer();
    }

    public static function tearDownAfterClass(): void
    {
        self::$halext?->stop();
        self::$halext = null;
    }

    private function halextError(callable $call): ApiException
    {
        try {
            $call(new Client(self::$halext->options()));
        } catch (ApiException $e) {
            return $e;
        }
        self::fail('Halext accepted the request');
    }

    public function testHalextFieldErrorsGoNextToTheirFields(): void
    {
        $token = self::$halext->user('ganon', true);
        // What a client without the admin's checks sends: no slug, no body.
        $e = $this->halextError(fn (Client $c) => $c->request('POST', '/content/admin/blog-posts',
            ['token' => $token, 'json' => ['title' => 'Incomplete']]));
        self::assertSame(ApiException::VALIDATION, $e->getCode());
        $form = new Form();
        api_error_to_form($form, $e, NEWS_FIELDS);
        self::assertSame(['slug' => 'Halext: Field required', 'body' => 'Halext: Field required'], $form->errors);
        self::assertSame([], $form->general);

        // A field the form does not have goes to the top, named.
        $form = new Form();
        api_error_to_form($form, $e, ['slug' => 'slug']);
        self::assertSame(['slug' => 'Halext: Field required'], $form->errors);
        self::assertSame(['Halext: Field required (body_markdown)'], $form->general);
    }

    public function testAHalextBusinessRuleNamingAFieldGoesNextToIt(): void
    {
        $token = self::$halext->user('agahnim', true);
        $post = ['slug' => 'master-sword', 'title' => 'Master Sword', 'body_markdown' => 'x'];
        (new Client(self::$halext->options()))->createBlogPost($token, $post);
        $e = $this->halextError(fn (Client $c) => $c->createBlogPost($token, $post));
        self::assertSame(ApiException::CONFLICT, $e->getCode());
        self::assertSame('Slug already exists', halext_detail($e));
        $form = new Form();
        api_error_to_form($form, $e, NEWS_FIELDS);
        self::assertSame(['slug' => 'Halext: Slug already exists'], $form->errors);

        // Not an admin: 403 is not a form error the page shows as such; here it lands at the top.
        $e = $this->halextError(fn (Client $c) => $c->adminBlogPosts(self::$halext->user('moblin')));
        self::assertSame(ApiException::FORBIDDEN, $e->getCode());
        $form = new Form();
        api_error_to_form($form, $e, NEWS_FIELDS);
        self::assertSame([], $form->errors);
        self::assertStringContainsString('Admin access required', $form->general[0]);
    }

    public function testUnreachableHalextIsAGeneralErrorThatKeepsTheForm(): void
    {
        $e = $this->halextError(fn () => (new Client(['url' => 'http://127.0.0.1:9', 'retries' => 0, 'connect_timeout_ms' => 500]))
            ->publicBlog());
        $form = new Form(['title' => 'kept']);
        api_error_to_form($form, $e, NEWS_FIELDS);
        self::assertSame(['Halext could not be reached (api.connect). Nothing was saved; try again.'], $form->general);
        self::assertSame('kept', $form->value('title'));
    }

    public function testTheImageEmbedRoundTripsItsAltText(): void
    {
        $url = 'https://halext.org/img/uploads/0123abcd.png';
        $alt = "Link's [sword] \\ and\nshield";
        $body = embed_image("Text.\n", null, $url, $alt);
        self::assertSame("![Link's \\[sword\\] \\\\ and shield](https://halext.org/img/uploads/0123abcd.png)\n\nText.\n", $body);
        self::assertSame("Link's [sword] \\ and shield", embedded_alt($body, $url));
        self::assertSame('', embedded_alt($body, 'https://halext.org/img/uploads/other.png'));

        // Replacing the image replaces its embed in place; removing it removes the embed.
        $new = 'https://halext.org/img/uploads/ffff.png';
        $replaced = embed_image("Intro\n\n" . $body, $url, $new, 'Price $1');
        self::assertSame("Intro\n\n![Price $1](https://halext.org/img/uploads/ffff.png)\n\nText.\n", $replaced);
        self::assertSame("Intro\n\nText.\n", remove_embedded_image($replaced, $new));
        self::assertSame('![a](http://x.test/a%28b%29%20c.png)', trim(embed_image('', null, 'http://x.test/a(b) c.png', 'a')));
    }

    public function testSlugsTagsAndUrls(): void
    {
        self::assertSame('randomizer-v4-released', slugify('Randomizer v4 — released!'));
        self::assertSame('zelda-s-lullaby', slugify("Zelda's Lullaby"));
        self::assertSame('', slugify('!!!'));
        foreach (['ok' => 'a-b-1', 'upper' => 'A-b', 'double' => 'a--b', 'edge' => '-a', 'slash' => 'a/b', 'long' => str_repeat('a', 81)] as $case => $slug) {
            $form = new Form();
            check_slug($form, 'slug', $slug);
            self::assertSame($case === 'ok', $form->ok(), $case);
        }
        self::assertSame(['randomizer', 'release'], parse_tags(' randomizer, ,release,randomizer '));
        self::assertTrue(is_web_url('https://alttphacking.test/p.bps'));
        self::assertFalse(is_web_url('javascript:alert(1)'));
        self::assertFalse(is_web_url('//evil.test/x'));
        self::assertFalse(is_web_url('not a url'));
    }
}
