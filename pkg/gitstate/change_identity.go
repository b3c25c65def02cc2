package gitstate

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrNoIdentity means no author name or email is known to commit with.
var ErrNoIdentity = errors.New(`no Git identity to commit with: set one with ` +
	`git config --global user.name "Your Name" and git config --global user.email you@example.com, ` +
	`or with the GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL environment variables`)

// identity is who authors and commits a change.
type identity struct {
	author, committer object.Signature
}

// resolveIdentity finds the author as Git does: GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL, else author.name/email, else user.name/email, from the
// repository's config and then the user's global one (honouring the
// process's HOME and XDG_CONFIG_HOME). The committer comes from
// GIT_COMMITTER_NAME/EMAIL and committer.name/email, and otherwise is the
// author.
func resolveIdentity(repo *git.Repository, getenv func(string) string) (identity, error) {
	local, err := repo.Config()
	if err != nil {
		return identity{}, fmt.Errorf("reading the repository's git config: %w", err)
	}
	global, err := globalConfig()
	if err != nil {
		return identity{}, err
	}
	authorName := firstNonEmpty(getenv("GIT_AUTHOR_NAME"), local.Author.Name, global.Author.Name, local.User.Name, global.User.Name)
	authorEmail := firstNonEmpty(getenv("GIT_AUTHOR_EMAIL"), local.Author.Email, global.Author.Email, local.User.Email, global.User.Email)
	switch {
	case authorName == "":
		return identity{}, fmt.Errorf("%w (the name is missing)", ErrNoIdentity)
	case authorEmail == "":
		return identity{}, fmt.Errorf("%w (the email is missing)", ErrNoIdentity)
	}
	now := time.Now()
	return identity{
		author: object.Signature{Name: authorName, Email: authorEmail, When: now},
		committer: object.Signature{
			Name:  firstNonEmpty(getenv("GIT_COMMITTER_NAME"), local.Committer.Name, global.Committer.Name, authorName),
			Email: firstNonEmpty(getenv("GIT_COMMITTER_EMAIL"), local.Committer.Email, global.Committer.Email, authorEmail),
			When:  now,
		},
	}, nil
}

// globalConfig reads the user's global git config; without a home
// directory there is none (go-git cannot look for it then).
func globalConfig() (*config.Config, error) {
	if _, err := os.UserHomeDir(); err != nil {
		return config.NewConfig(), nil
	}
	cfg, err := config.LoadConfig(config.GlobalScope)
	if err != nil {
		return nil, fmt.Errorf("reading the global git config: %w", err)
	}
	return cfg, nil
}
