package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import org.userman.account.NewUser;
import org.userman.account.UserStatus;
import org.userman.common.Actor;
import org.userman.password.Password;
import org.userman.server.support.Mails;
import org.userman.server.support.TestServer;
import org.userman.server.support.TotpCodes;
import org.userman.testkit.EmbeddedServers;

/**
 * The pages in a real browser: Debian's Chromium, headless, driven through chromedriver. One
 * person's whole story (register, verify by the mailed link, wait for an admin's approval, sign in,
 * create an API key, sign out everywhere, reset the password by the mailed link) and the admin
 * approving them, with mail through a real SMTP server. Screenshots of every page land in
 * target/screenshots/.
 */
class BrowserTest {
  @RegisterExtension
  static final GreenMailExtension SMTP =
      new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort()).withPerMethodLifecycle(false);

  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String ADA = "ada@example.org";
  private static final String ADA_PASSWORD = "a kettle of purple herons";
  private static final String ADMIN = "root@example.org";
  private static final String ADMIN_PASSWORD = "the admin's long passphrase";
  private static final Pattern LINK =
      Pattern.compile("(http://\\S+/(?:verify-email|reset-password)\\?token=\\S+)");
  private static final java.util.concurrent.atomic.AtomicInteger SHOT =
      new java.util.concurrent.atomic.AtomicInteger();
  private static WebDriver browser;
  private static TestServer server;
  private static String base;

  /**
   * The same server as {@link #base}, by name: browsers offer passkeys to a domain only (an IP
   * address cannot be a relying party id), and to http:// pages of localhost only.
   */
  private static String local;

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    int port = EmbeddedServers.freePort();
    base = "http://127.0.0.1:" + port;
    local = "http://localhost:" + port;
    server =
        TestServer.start(
            "USERMAN_HTTP_PORT=" + port,
            "USERMAN_PUBLIC_URL=" + base,
            "USERMAN_PASSKEYS_RP_ID=localhost",
            "USERMAN_PASSKEYS_ORIGINS=" + local,
            "USERMAN_REGISTRATION=approve",
            "USERMAN_SMTP_HOST=127.0.0.1",
            "USERMAN_SMTP_PORT=" + SMTP.getSmtp().getPort(),
            "USERMAN_SMTP_SECURITY=none");
    server
        .userman()
        .accounts()
        .create(
            new NewUser(
                ADMIN,
                Password.of(ADMIN_PASSWORD),
                "Root",
                "root",
                null,
                UserStatus.ACTIVE,
                java.util.List.of("admin"),
                true),
            true,
            Actor.COMMAND_LINE);
    EmbeddedServers.deleteTree(SHOTS);
    Files.createDirectories(SHOTS);
    browser = chromium();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * Debian's Chromium and its driver, found on the PATH (./userman test installs them when
   * missing).
   */
  private static WebDriver chromium() throws IOException {
    File chromium =
        executable("USERMAN_TEST_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
    File driver = executable("USERMAN_TEST_CHROMEDRIVER", "chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    // headless as root in a closed network: no sandbox, and none of the browser's own traffic
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--window-size=1024,900",
        "--user-data-dir=" + Files.createTempDirectory("userman-chromium"));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build();
    ChromeDriver d = new ChromeDriver(service, options);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return d;
  }

  private static File executable(String override, String... names) {
    Optional<String> set = Optional.ofNullable(System.getenv(override)).filter(s -> !s.isBlank());
    if (set.isPresent()) {
      return new File(set.get());
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      for (String name : names) {
        File f = new File(dir, name);
        if (f.canExecute()) {
          return f;
        }
      }
    }
    throw new IllegalStateException(
        "the browser tests need "
            + String.join(" or ", names)
            + " on the PATH (or "
            + override
            + "); `./userman test` installs Debian's chromium and chromium-driver when it may, or install them yourself");
  }

  @Test
  void
      a_person_registers_verifies_is_approved_signs_in_makes_a_key_signs_out_everywhere_and_resets_the_password()
          throws Exception {
    // Register; the password policy's error shows next to the password field first.
    open("/register");
    type("email", ADA);
    type("username", "ada");
    type("name", "Ada Lovelace");
    type("password", "ada12345");
    shot("register-filled");
    submit("Create account");
    assertThat(errorOf("password")).contains("at least 10 characters");
    assertThat(field("email").getDomProperty("value")).isEqualTo(ADA);
    shot("register-error-next-to-field");
    type("password", ADA_PASSWORD);
    submit("Create account");
    assertThat(heading()).isEqualTo("Check your email");
    shot("register-check-your-email");

    // Verify by the link in the mail that went out over SMTP.
    open(relative(linkInMail(ADA, 1)));
    assertThat(heading()).isEqualTo("Verify your email");
    shot("verify-email");
    submit("Verify my email");
    assertThat(heading()).isEqualTo("Email verified");
    shot("verify-email-done-awaiting-approval");

    // Not approved yet: signing in says so.
    signIn("ada", ADA_PASSWORD);
    assertThat(text("#alert")).contains("pending");
    shot("login-pending");

    // The admin approves Ada from the user list, then opens her page.
    signIn(ADMIN, ADMIN_PASSWORD);
    assertThat(path()).isEqualTo("/account");
    open("/admin/users?status=pending");
    assertThat(text("main")).contains(ADA);
    shot("admin-users-pending");
    andWaitForTheNextPage(
        () ->
            browser
                .findElement(
                    By.xpath(
                        "//li[.//strong[text()='"
                            + ADA
                            + "']]//button[starts-with(normalize-space(.), 'Approve')]"))
                .click());
    assertThat(text(".notice")).contains("status is changed");
    andWaitForTheNextPage(() -> browser.findElement(By.linkText(ADA)).click());
    assertThat(text("dl")).contains("active");
    shot("admin-user");
    open("/admin/users?q=ad");
    assertThat(text("main")).contains(ADA).doesNotContain(ADMIN);
    shot("admin-users-search");
    open("/logout");
    shot("logout");
    submit("Sign out");
    assertThat(text(".notice")).contains("signed out");

    // Ada signs in with the keyboard alone: tab from field to field, Enter to send.
    open("/login");
    field("login").click();
    andWaitForTheNextPage(
        () ->
            new Actions(browser)
                .sendKeys("ada")
                .sendKeys(Keys.TAB)
                .sendKeys(ADA_PASSWORD)
                .sendKeys(Keys.ENTER)
                .perform());
    assertThat(path()).isEqualTo("/account");
    assertThat(text("main")).contains("Signed in as " + ADA);
    shot("account");

    // A wrong current password shows next to that field, and nothing changes.
    type("current_password", "not my password at all");
    type("new_password", "an entirely new passphrase");
    submit("Change password");
    assertThat(errorOf("current_password")).contains("wrong");
    ((JavascriptExecutor) browser)
        .executeScript("arguments[0].scrollIntoView()", field("current_password"));
    shot("account-error-next-to-field");

    // An API key, shown once, that works against the API.
    type("key_name", "backup script");
    submit("Create API key");
    String key = text("#new-key");
    shot("account-api-key-shown-once");
    assertThat(api("/api/v1/me", key).statusCode()).isEqualTo(200);
    assertThat(api("/api/v1/me", key).body()).contains(ADA);
    open("/account");
    assertThat(text("main")).contains("backup script").doesNotContain(key);

    // Readable on a 320 px wide screen: nothing wider than the screen.
    browser.manage().window().setSize(new Dimension(320, 900));
    open("/account");
    long overflow =
        (Long)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow).isZero();
    shot("account-320px");
    browser.manage().window().setSize(new Dimension(1024, 900));

    // Sign out everywhere: this browser's session and an API client's session both end.
    String apiToken = apiLogin(ADA, ADA_PASSWORD);
    assertThat(api("/api/v1/me", apiToken).statusCode()).isEqualTo(200);
    String cookie = browser.manage().getCookieNamed("um_session").getValue();
    open("/account");
    assertThat(browser.findElements(By.cssSelector(".rows li .tag")))
        .extracting(WebElement::getText)
        .contains("this device");
    submit("Sign out everywhere");
    assertThat(path()).isEqualTo("/login");
    assertThat(text(".notice")).contains("every device");
    shot("login-signed-out-everywhere");
    assertThat(api("/api/v1/me", apiToken).statusCode()).isEqualTo(401);
    HttpResponse<String> withOldCookie =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/account"))
                .header("Cookie", "um_session=" + cookie)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(withOldCookie.statusCode()).isEqualTo(303);
    assertThat(withOldCookie.headers().firstValue("Location")).contains("/login?next=%2Faccount");

    // Reset the password by the mailed link; the old password stops working.
    open("/forgot-password");
    type("email", ADA);
    shot("forgot-password");
    submit("Send the link");
    assertThat(heading()).isEqualTo("Check your email");
    open(relative(linkInMail(ADA, 2)));
    assertThat(heading()).isEqualTo("Choose a new password");
    type("password", "a brand new passphrase");
    shot("reset-password");
    submit("Set the password");
    assertThat(text(".notice")).contains("password is changed");
    shot("login-after-reset");
    signIn("ada", ADA_PASSWORD);
    assertThat(text("#alert")).contains("wrong");
    signIn("ada", "a brand new passphrase");
    assertThat(path()).isEqualTo("/account");
  }

  @Test
  void a_person_turns_on_two_step_sign_in_from_the_qr_page_and_signs_in_with_a_code()
      throws Exception {
    String grace = "grace@example.org";
    String gracePassword = "a tidy stack of punched cards";
    server
        .userman()
        .accounts()
        .create(
            new NewUser(
                grace,
                Password.of(gracePassword),
                "Grace Hopper",
                null,
                null,
                UserStatus.ACTIVE,
                java.util.List.of(),
                true),
            true,
            Actor.COMMAND_LINE);
    browser.manage().deleteAllCookies();
    signIn(grace, gracePassword);
    assertThat(path()).isEqualTo("/account");
    type("totp_current_password", gracePassword);
    ((JavascriptExecutor) browser)
        .executeScript("arguments[0].scrollIntoView()", field("totp_current_password"));
    shot("totp-account-off");
    submit("Set up an authenticator app");
    assertThat(path()).isEqualTo("/account/totp");
    assertThat(browser.findElements(By.cssSelector("figure.qr svg path"))).hasSize(1);
    shot("totp-setup-qr");
    // The app is this test: it reads the key from the page, as a person would type it.
    String secret = text("#totp-secret");
    type("code", TotpCodes.at(secret, server.clock.instant()));
    submit("Turn on two-step sign-in");
    assertThat(heading()).isEqualTo("Your recovery codes");
    assertThat(browser.findElements(By.cssSelector("#recovery-codes li"))).hasSize(10);
    String recovery = text("#recovery-codes li");
    shot("totp-recovery-codes");

    open("/logout");
    submit("Sign out");
    server.clock.advance(Duration.ofSeconds(30));
    signIn(grace, gracePassword);
    assertThat(heading()).isEqualTo("Two-step sign-in");
    shot("totp-second-form");
    type("code", "000000");
    submit("Verify");
    assertThat(errorOf("code")).contains("wrong");
    shot("totp-second-form-wrong-code");
    type("code", TotpCodes.at(secret, server.clock.instant()));
    submit("Verify");
    assertThat(path()).isEqualTo("/account");
    assertThat(text("main")).contains("You have 10 unused recovery codes");
    shot("totp-account-on");

    // A recovery code stands in for the phone, once.
    open("/logout");
    submit("Sign out");
    signIn(grace, gracePassword);
    browser.findElement(By.tagName("summary")).click();
    type("recovery_code", recovery);
    shot("totp-second-form-recovery-code");
    submit("Use recovery code");
    assertThat(path()).isEqualTo("/account");
    assertThat(text("main")).contains("You have 9 unused recovery codes");
  }

  @Test
  void a_person_adds_a_passkey_signs_out_and_signs_in_with_it_and_no_password() {
    String hedy = "hedy@example.org";
    String hedyPassword = "frequency hopping since 1942";
    server
        .userman()
        .accounts()
        .create(
            new NewUser(
                hedy,
                Password.of(hedyPassword),
                "Hedy Lamarr",
                null,
                null,
                UserStatus.ACTIVE,
                java.util.List.of(),
                true),
            true,
            Actor.COMMAND_LINE);
    // The browser's own authenticator, in software: it keeps discoverable keys and verifies the
    // user (as a fingerprint would) without asking.
    HasVirtualAuthenticator webauthn = (HasVirtualAuthenticator) browser;
    VirtualAuthenticator authenticator =
        webauthn.addVirtualAuthenticator(
            new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true));
    try {
      browser.manage().deleteAllCookies();
      browser.get(local + "/login");
      type("login", hedy);
      type("password", hedyPassword);
      submit("Sign in");
      assertThat(path()).isEqualTo("/account");
      assertThat(text("main")).contains("You have no passkeys.");
      type("passkey_name", "This browser");
      ((JavascriptExecutor) browser)
          .executeScript("arguments[0].scrollIntoView()", field("passkey_name"));
      shot("passkey-account-none");
      submit("Add a passkey");
      assertThat(path()).isEqualTo("/account");
      assertThat(text("main")).contains("The passkey is added").contains("This browser");
      assertThat(authenticator.getCredentials())
          .singleElement()
          .satisfies(c -> assertThat(c.isResidentCredential()).isTrue());
      ((JavascriptExecutor) browser)
          .executeScript(
              "arguments[0].scrollIntoView()", browser.findElement(By.id("passkeys-heading")));
      shot("passkey-account-added");

      submit("Sign out");
      assertThat(path()).isEqualTo("/login");
      shot("passkey-sign-in-page");
      submit("Sign in with a passkey");
      assertThat(path()).isEqualTo("/account");
      assertThat(text("main")).contains(hedy).contains("last used");
      shot("passkey-signed-in");
      // the session says how: a key the browser holds, verified by its user
      assertThat(
              server
                  .userman()
                  .sessions()
                  .list(server.userman().accounts().findByEmail(hedy).orElseThrow().id()))
          .singleElement()
          .satisfies(s -> assertThat(s.amr()).containsExactly("hwk", "mfa"));
    } finally {
      webauthn.removeVirtualAuthenticator(authenticator);
    }
  }

  @Test
  void pages_refuse_a_form_without_the_csrf_token_and_send_strangers_to_sign_in() throws Exception {
    browser.manage().deleteAllCookies();
    open("/");
    assertThat(path()).isEqualTo("/login");
    open("/admin/users");
    assertThat(path()).isEqualTo("/login");
    HttpResponse<String> forged =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "um_csrf=" + "A".repeat(43))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "csrf=" + "B".repeat(43) + "&login=ada&password=x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("This form has expired");
  }

  // ---- helpers

  private void open(String path) {
    browser.get(base + path);
  }

  private void signIn(String login, String password) {
    open("/login");
    type("login", login);
    type("password", password);
    submit("Sign in");
  }

  private WebElement field(String id) {
    return browser.findElement(By.id(id));
  }

  private void type(String id, String value) {
    WebElement f = field(id);
    f.clear();
    f.sendKeys(value);
  }

  /** Clicks the button with this label (the first, in page order) and waits for the next page. */
  private void submit(String label) {
    By button = By.xpath("//button[normalize-space(.)='" + label + "']");
    andWaitForTheNextPage(
        () -> {
          try {
            browser.findElement(button).click();
          } catch (WebDriverException e) {
            // the click did not happen on a node of a document being replaced: find the button
            // again, once
            if (!isDetached(e)) {
              throw e;
            }
            browser.findElement(button).click();
          }
        });
  }

  /** Does what sends a form, then waits until the browser shows the page that came back. */
  private void andWaitForTheNextPage(Runnable action) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(
        d ->
            "complete"
                .equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    WebElement page = browser.findElement(By.tagName("html"));
    action.run();
    wait.until(d -> isGone(page));
  }

  /**
   * Whether the element's document is gone (Selenium's stalenessOf misses Chromium's second way of
   * saying so).
   */
  private static boolean isGone(WebElement e) {
    try {
      e.isEnabled();
      return false;
    } catch (WebDriverException x) {
      if (isDetached(x)) {
        return true;
      }
      throw x;
    }
  }

  /**
   * A node of a replaced document: Selenium's stale element, or Chromium's "Node with given id does
   * not belong to the document", which it answers instead now and then (seen in two CI runs).
   */
  private static boolean isDetached(WebDriverException e) {
    return e instanceof StaleElementReferenceException
        || String.valueOf(e.getMessage()).contains("does not belong to the document");
  }

  private String errorOf(String id) {
    WebElement input = field(id);
    assertThat(input.getDomAttribute("aria-invalid")).isEqualTo("true");
    return browser.findElement(By.id(id + "-error")).getText();
  }

  private String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private String heading() {
    return text("h1");
  }

  private String path() {
    return URI.create(browser.getCurrentUrl()).getPath();
  }

  private void shot(String name) {
    try {
      File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
      int n = SHOT.incrementAndGet();
      Files.copy(
          f.toPath(),
          SHOTS.resolve(String.format("%02d-%s.png", n, name)),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The page link in the n-th mail to {@code to} that has one, read back from the SMTP server
   * (security notices, which carry no link, come in between).
   */
  private String linkInMail(String to, int n) throws Exception {
    server.userman().awaitIdle(Duration.ofSeconds(10));
    server.userman().mailQueue().sendDue();
    java.util.List<String> links = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (links.size() < n && System.nanoTime() < deadline) {
      links.clear();
      for (MimeMessage mail : SMTP.getReceivedMessages()) {
        if (GreenMailUtil.getAddressList(mail.getAllRecipients()).contains(to)) {
          Matcher m = LINK.matcher(Mails.part((MimeMultipart) mail.getContent(), "text/plain"));
          if (m.find()) {
            links.add(m.group(1));
          }
        }
      }
      if (links.size() < n) {
        SMTP.waitForIncomingEmail(1_000, SMTP.getReceivedMessages().length + 1);
      }
    }
    assertThat(links).as("mails with a page link to " + to).hasSizeGreaterThanOrEqualTo(n);
    assertThat(links.get(n - 1)).startsWith(base);
    return links.get(n - 1);
  }

  private String relative(String link) {
    return link.substring(base.length());
  }

  private HttpResponse<String> api(String path, String credential) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + credential)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String apiLogin(String login, String password) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/sessions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        TestServer.JSON.writeValueAsString(
                            TestServer.obj("email", login, "password", password))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return TestServer.JSON.readTree(r.body()).path("access_token").asText();
  }
}
