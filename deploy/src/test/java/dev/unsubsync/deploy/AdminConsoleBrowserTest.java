package dev.unsubsync.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.testsupport.EmulatorClient;
import dev.unsubsync.testsupport.RequiredTool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, never a
 * download) against the stack {@code ./run local} starts: log in, change the settings through the page and see the
 * pusher follow them in Salesforce, check the fields, run a reconcile from the page and watch the progress bar reach
 * 100%, look a person up and remove their unsubscribe. Screenshots of each page go to {@code target/screenshots}.
 *
 * <p>Without Chromium on the machine the test is skipped with a message, unless {@code TOOLS_REQUIRED=1} (set by
 * {@code .ci/run}, which installs both packages), where it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleBrowserTest {

    private static final String MARKETO = "Marketo_Sales_Opt_Out__c";
    private static final Path SHOTS = Path.of("target/screenshots");

    private static LocalStack stack;
    private static EmulatorClient salesforce;
    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Path chromium = Path.of(System.getProperty("browser.binary", "/usr/bin/chromium"));
        Path driver = Path.of(System.getProperty("browser.driver", "/usr/bin/chromedriver"));
        boolean present = Files.isExecutable(chromium) && Files.isExecutable(driver);
        String missing = "Chromium (" + chromium + ") and ChromeDriver (" + driver + ") are needed: apt-get install chromium chromium-driver";
        RequiredTool.require(present, missing);

        Path root = Path.of(System.getProperty("project.root"));
        Path data = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "console-stack-");
        stack = LocalStack.start(root, data, new LocalStack.Ports(freePort(), freePort(), freePort(), freePort(), freePort(), freePort(), freePort()));
        salesforce = new EmulatorClient(stack.emulatorUrl(), LocalStack.EMULATOR_CLIENT_ID, LocalStack.EMULATOR_CLIENT_SECRET);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void aWrongKeyIsRefusedAndTheRightOneOpensTheConsole() {
        browser.get(stack.captureUrl() + "/admin/");
        WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        shot("login");
        key.sendKeys("not-the-key-0123456789");
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("login-error"), "that API key is not valid"));

        key.clear();
        key.sendKeys(LocalStack.CAPTURE_TOKEN);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("page-integration")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as api"));
    }

    @Test
    @Order(2)
    void settingsSavedThroughThePageAreFollowedByThePusher() throws Exception {
        open("integration");
        wait.until(d -> !d.findElement(By.id("marketoSalesOptOutField")).getDomProperty("value").isEmpty());
        assertTrue(browser.findElement(By.id("syncToEmailOptOut")).isSelected(), "Email Opt Out is selected by default");

        // An invalid API name is refused, and the message sits next to the field.
        WebElement name = browser.findElement(By.id("marketoSalesOptOutField"));
        name.clear();
        name.sendKeys("not a field");
        click("syncToMarketoSalesOptOut");
        browser.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("marketoSalesOptOutField-error"), "is not a custom field API name"));
        assertEquals("true", name.getDomAttribute("aria-invalid"));

        // "Find by label" finds the field through describe and fills the name in.
        browser.findElement(By.id("find-field")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//div[@id='found-fields']//button[.='Use " + MARKETO + "']"))).click();
        assertEquals(MARKETO, name.getDomProperty("value"));
        click("syncToEmailOptOut");
        click("nightlySyncEnabled");
        browser.findElement(By.cssSelector("#settings-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("settings-status"), "Saved"));
        shot("integration");

        // The pusher follows the settings topic within moments: its field check (read through the console) shows the
        // Marketo field selected and Email Opt Out not, and then an unsubscribe sets only the Marketo field.
        open("fields");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            boolean followed = !browser.findElements(By.xpath(row("Contact", MARKETO, "Yes"))).isEmpty()
                    && !browser.findElements(By.xpath(row("Contact", "HasOptedOutOfEmail", "No"))).isEmpty();
            if (!followed) {
                browser.findElement(By.id("recheck")).click();
            }
            return followed;
        });
        String ada = (String) salesforce.query("SELECT Id FROM Contact WHERE Email = 'ada.lovelace@example.com'").getFirst().get("Id");
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/v1/unsubscribes"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"ada.lovelace@example.com\",\"salesforceId\":\"" + ada + "\",\"source\":\"link_click\",\"reason\":\"console test\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, posted.statusCode(), posted.body());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Boolean.TRUE.equals(salesforce.get("Contact", ada).get(MARKETO)));
        assertEquals(Boolean.FALSE, salesforce.get("Contact", ada).get("HasOptedOutOfEmail"), "only the selected field is written");
    }

    @Test
    @Order(3)
    void theFieldCheckSaysWhatToDoWhenASelectedFieldIsReadOnly() throws Exception {
        salesforce.admin("PUT", "/fields/Lead/" + MARKETO, "{\"access\":\"READ_ONLY\"}");
        try {
            open("fields");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("fields-result"), "A selected field cannot be written"));
            String text = browser.findElement(By.id("fields-result")).getText();
            assertTrue(text.contains("Set Field-Level Security"), text);
            shot("field-check");
        } finally {
            salesforce.admin("PUT", "/fields/Lead/" + MARKETO, "{\"access\":\"EDITABLE\"}");
        }
        browser.findElement(By.id("recheck")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("fields-result"), "Every selected field exists and is writable"));
    }

    @Test
    @Order(4)
    void aReconcileRunFromThePageFillsTheProgressBarAndReports() {
        open("status");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pusher"), "UP"));
        // The reconciler follows the settings topic: until it has seen the sync enabled, Run now is refused with why.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            WebElement run = browser.findElement(By.id("run-now"));
            if (run.isEnabled()) {
                run.click();
            }
            return browser.findElement(By.id("run-status")).getText().contains("Run started")
                    || !browser.findElement(By.id("progress-wrap")).getDomProperty("hidden").equals("true");
        });
        new WebDriverWait(browser, Duration.ofSeconds(120)).until(ExpectedConditions.attributeToBe(By.id("progress"), "aria-valuenow", "100"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("runs"), "SUCCEEDED"));
        assertTrue(browser.findElement(By.id("run-times")).getText().contains("SUCCEEDED"));
        shot("sync-status");

        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            browser.navigate().refresh();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("runs"), "SUCCEEDED"));
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
            assertTrue(overflow <= 0, "the page is wider than a phone by " + overflow + " px");
            shot("sync-status-phone");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 1000));
        }
    }

    @Test
    @Order(5)
    void aPersonIsFoundByEmailAndBySalesforceIdAndTheirUnsubscribeRemoved() throws Exception {
        open("person");
        lookUp("ada.lovelace@example.com");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("person-state"), "Unsubscribed"));
        String state = browser.findElement(By.id("person-state")).getText();
        assertTrue(state.contains("Marketo Sales Opt Out\nChecked"), state);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"), "Salesforce answered WRITTEN"));
        assertTrue(browser.findElement(By.id("history")).getText().contains("Link click"));
        shot("person");

        browser.findElement(By.id("remove")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("remove-dialog")));
        assertTrue(dialog.getText().contains("Uncheck the opt-out in Salesforce too"), dialog.getText());
        browser.findElement(By.id("remove-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("remove-error"), "Say why"));
        browser.findElement(By.id("remove-reason")).sendKeys("asked to hear from us again");
        shot("person-remove");
        browser.findElement(By.id("remove-confirm")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("person-state"), "Not unsubscribed"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("history"), "asked to hear from us again"));

        // By Salesforce ID (15 characters): the record, live, and the same history.
        String ada = (String) salesforce.query("SELECT Id FROM Contact WHERE Email = 'ada.lovelace@example.com'").getFirst().get("Id");
        lookUp(ada.substring(0, 15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("person-state"), ada));
        assertTrue(browser.findElement(By.id("history")).getText().contains("Removed"));
        assertFalse(browser.findElement(By.id("person-state")).getText().contains("Email Opt Out\nChecked"));
    }

    @Test
    @Order(6)
    void aPersonShowsEveryContactAndLeadWithTheAddressAndAPendingPersonSaysSo() throws Exception {
        // Grace Hopper is a Contact and a Lead in the seeded org.
        open("person");
        lookUp("grace.hopper@example.com");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("person-state"), "Salesforce Lead"));
        String state = browser.findElement(By.id("person-state")).getText();
        assertTrue(state.contains("Salesforce Contact") && state.contains("Salesforce Lead"), state);

        String nobody = "pending." + java.util.UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/v1/unsubscribes"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalStack.CAPTURE_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + nobody + "\",\"source\":\"api\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, posted.statusCode(), posted.body());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            lookUp(nobody);
            // Each look-up first shows "Looking up…": judge the answer, not the wait.
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("person-state")));
            return !browser.findElements(By.xpath("//table[@id='history']//td[contains(., 'NO_SALESFORCE_RECORD')]")).isEmpty();
        });
        assertTrue(browser.findElement(By.id("person-state")).getText().contains("Pending"), browser.findElement(By.id("person-state")).getText());
        shot("person-pending");
    }

    @Test
    @Order(7)
    void noPageLoadsMoreThan200KbOfScriptOrAnythingFromElsewhere() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long script = http.send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/admin/app.js")).build(), HttpResponse.BodyHandlers.ofByteArray())
                .body().length;
        assertTrue(script > 1000 && script < 200 * 1024, "app.js is " + script + " bytes");
        String html = http.send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/admin/index.html")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertFalse(html.contains("http://") || html.contains("https://"), "the console loads nothing from another host");
        assertEquals(1, html.split("<script").length - 1, "one script");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(stack.captureUrl() + "/admin/index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"), "no inline or foreign script may run");
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
        // The console ran under that policy through every test above; no violation may have been reported.
        assertTrue(browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .noneMatch(entry -> entry.getMessage().contains("Content Security Policy")), "a Content-Security-Policy violation in the console");
    }

    private static void open(String page) {
        String url = stack.captureUrl() + "/admin/index.html#" + page;
        if (url.equals(browser.getCurrentUrl())) {
            // The same address again is no navigation at all: load the page afresh.
            browser.navigate().refresh();
        } else {
            browser.get(url);
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("page-" + page)));
    }

    /** The field check's row for a field on an object, with "Selected" as given. */
    private static String row(String object, String field, String selected) {
        return "//div[@id='fields-result']//tr[td[1]='" + object + "' and td[2]/code='" + field + "' and td[3]='" + selected + "']";
    }

    private static void lookUp(String query) {
        WebElement box = browser.findElement(By.id("person-query"));
        box.clear();
        box.sendKeys(query);
        browser.findElement(By.cssSelector("#person-form button[type=submit]")).click();
    }

    private static void click(String id) {
        browser.findElement(By.id(id)).click();
    }

    private static void shot(String name) {
        try {
            Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(file, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not save the screenshot " + name, e);
        }
    }

    static int freePort() {
        return dev.unsubsync.testsupport.FreePorts.one();
    }
}
