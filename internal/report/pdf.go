package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// DefaultChromium is where Printer finds the browser unless told.
const DefaultChromium = "/usr/bin/chromium"

// Printer prints report documents (Document) to PDF with one headless
// Chromium, started on the first PDF with an empty profile of its own and
// no network use of its own (no background networking, component updates,
// sync or first-run). Each PDF is a tab of its own, so a Printer is safe
// for concurrent use; a browser that died is started again. Close stops it.
//
// The zero value prints with DefaultChromium.
type Printer struct {
	// ExecPath is the Chromium binary; empty is DefaultChromium.
	ExecPath string
	// Timeout bounds one PDF; zero is two minutes.
	Timeout time.Duration

	mu      sync.Mutex
	browser context.Context
	stop    func()
	dir     string
	closed  bool
}

// ErrPrinterClosed is the error of a PDF asked of a closed Printer.
var ErrPrinterClosed = errors.New("report: the printer is closed")

func (p *Printer) start() (context.Context, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrPrinterClosed
	}
	if p.browser != nil && p.browser.Err() == nil {
		return p.browser, nil
	}
	p.shutdown() // a browser that died
	path := p.ExecPath
	if path == "" {
		path = DefaultChromium
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("report: no Chromium at %s (install it: apt-get install -y chromium fonts-noto-cjk): %w", path, err)
	}
	dir, err := os.MkdirTemp("", "kensho-printer-")
	if err != nil {
		return nil, fmt.Errorf("report: printer profile: %w", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "ja-JP"),
		chromedp.UserDataDir(dir),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	stop := func() { cancelBrowser(); cancelAlloc(); _ = os.RemoveAll(dir) }
	if err := chromedp.Do(browser); err != nil {
		stop()
		return nil, fmt.Errorf("report: starting Chromium %s: %w", path, err)
	}
	p.browser, p.stop, p.dir = browser, stop, dir
	return browser, nil
}

// shutdown stops the browser; p.mu is held.
func (p *Printer) shutdown() {
	if p.stop != nil {
		p.stop()
	}
	p.browser, p.stop, p.dir = nil, nil, ""
}

// Close stops the browser and removes its profile. PDFs asked after it
// fail with ErrPrinterClosed.
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.shutdown()
	return nil
}

// pdfFooter numbers the pages: 「3 / 24」. Chromium's print footer is a
// template of its own (not the document), sized in it.
const pdfFooter = `<div style="width:100%;font-size:8pt;color:#5b6b7b;text-align:center;` +
	`font-family:'Noto Sans CJK JP','Noto Sans JP',sans-serif;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`

// PDF prints doc, a standalone HTML document (Document), to an A4 PDF
// with backgrounds and page numbers in the footer. The document is set
// into about:blank and every network request it would make is refused;
// the images (data: URIs) and fonts are awaited before printing.
func (p *Printer) PDF(ctx context.Context, doc []byte) ([]byte, error) {
	var out []byte
	err := p.load(ctx, doc, 0, func(tab context.Context) error {
		var err error
		out, err = chromedp.Run(tab, chromedp.PrintToPDF(
			chromedp.PDFPaper(chromedp.PaperA4),
			chromedp.PDFPreferCSSPageSize(),
			chromedp.PDFPrintBackground(),
			chromedp.PDFHeaderTemplate(`<span></span>`),
			chromedp.PDFFooterTemplate(pdfFooter),
			chromedp.PDFOutlineAndTagged(),
		))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("report: printing the PDF: %w", err)
	}
	return out, nil
}

// screenshot renders doc at width CSS pixels, the whole page, as PNG (for
// looking at the layout).
func (p *Printer) screenshot(ctx context.Context, doc []byte, width int64) ([]byte, error) {
	var out []byte
	err := p.load(ctx, doc, width, func(tab context.Context) error {
		var err error
		out, err = chromedp.Run(tab, chromedp.FullScreenshot(100))
		return err
	})
	return out, err
}

// load opens a tab, sets doc as its document without network, waits for
// its images and fonts, and runs then.
func (p *Printer) load(ctx context.Context, doc []byte, width int64, then func(tab context.Context) error) error {
	browser, err := p.start()
	if err != nil {
		return err
	}
	var root context.Context
	root, cancelTab := chromedp.NewContext(browser, chromedp.WithListener(func(ev any) {
		// Refuse every request the document would make (it has none:
		// its stylesheet is inline and its images data: URIs).
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			go func() {
				if c := chromedp.FromContext(root); c != nil && c.Target != nil {
					_, _ = cdp.Call(root, c.Target, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
				}
			}()
		}
	}))
	defer cancelTab()
	stopOnCaller := context.AfterFunc(ctx, cancelTab)
	defer stopOnCaller()
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	tab, cancelTimeout := context.WithTimeout(root, timeout)
	defer cancelTimeout()

	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate("about:blank")}
	if width > 0 {
		steps = append(steps, chromedp.EmulateViewport(width, 1000))
	}
	steps = append(steps, chromedp.Action[chromedp.Void](func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
			return chromedp.Void{}, err
		}
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return chromedp.Void{}, err
		}
		_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(doc)})
		return chromedp.Void{}, err
	}))
	if err := chromedp.Do(tab, steps...); err != nil {
		return ctxErr(ctx, err)
	}
	// Every image decoded (a broken one is an error) and the fonts ready.
	broken, err := chromedp.Run(tab, chromedp.Evaluate[int](`(async () => {
		await document.fonts.ready;
		let broken = 0;
		await Promise.all(Array.from(document.images).map(i => i.decode().catch(() => { broken++; })));
		return broken;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		return ctxErr(ctx, err)
	}
	if broken > 0 {
		return fmt.Errorf("%d image(s) of the document do not load", broken)
	}
	return ctxErr(ctx, then(tab))
}

// ctxErr prefers the caller's reason when its context ended.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
