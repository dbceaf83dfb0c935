from tryon.cli import main

raise SystemExit(main())
